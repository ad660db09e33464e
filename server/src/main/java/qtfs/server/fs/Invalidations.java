package qtfs.server.fs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import qtfs.fuse.proto.Notify;
import qtfs.sys.Fanotify;

/**
 * What one session's client must forget because of changes made elsewhere (on the server, or
 * through another session), sent on one of its connections by a thread of its own: never by
 * the thread that noticed the change, which must not wait for a slow client. A change already
 * queued is not queued twice, so a burst of writes to one file costs one notification.
 *
 * <p>When notifications may have been lost (no connection while the client reconnects, a
 * connection that carried them ended, an event queue overflow), the client is made to forget
 * everything the session knows: the attributes and data of every node, and every name it was
 * found by. Names found missing are not covered; they are cached for at most
 * {@link CacheTimes#UNWATCHED}.
 */
final class Invalidations {
    private static final int NAME_MAX = 255;

    private record Node(long nodeId, boolean data) {}

    private record Entry(long dir, byte[] name) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && e.dir == dir && Arrays.equals(e.name, name);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(dir) * 31 + Arrays.hashCode(name);
        }
    }

    private final InodeStore inodes;
    private final ChangeWatcher watcher;
    private final PushChannel channel;
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final Set<Object> queued = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean lost;
    private final LongAdder sent = new LongAdder();
    /** Only the draining thread writes messages, one at a time. */
    private final MemorySegment message = Arena.ofAuto().allocate(Notify.INVAL_ENTRY_HEADER_SIZE + NAME_MAX + 1, 8);

    Invalidations(InodeStore inodes, ChangeWatcher watcher, PushChannel channel) {
        this.inodes = inodes;
        this.watcher = watcher;
        this.channel = channel;
        watcher.subscribe(this);
    }

    /** This session's client changed {@code inode} (its data too if {@code data}): the other sessions' clients must forget it. */
    void made(Inode inode, boolean data) {
        watcher.announce(this, inode.key, data);
    }

    /** This session's client changed the attributes of the inode {@code key} (a link count, by unlink or rename). */
    void made(InodeKey key) {
        watcher.announce(this, key, false);
    }

    /** This session's client added, removed or moved {@code name} in {@code dir}. */
    void made(Inode dir, Name name) {
        watcher.announce(this, dir.key, name.bytes());
    }

    /** The inode {@code key} changed elsewhere. */
    void changed(InodeKey key, boolean data) {
        Inode inode = inodes.byKey(key);
        if (inode != null) add(new Node(inode.nodeId, data));
    }

    /** The inode change events name {@code id} changed on the server. */
    void changed(Fanotify.FileId id, boolean data) {
        Inode inode = inodes.byFileId(id);
        if (inode != null) add(new Node(inode.nodeId, data));
    }

    /**
     * {@code name} in directory {@code dir} changed elsewhere: the name, and the directory's
     * attributes and listing (which its client may cache, see {@link Replies#cachesListing}).
     */
    void changed(InodeKey dir, byte[] name) {
        Inode d = inodes.byKey(dir);
        if (d != null) entryChanged(d, name);
    }

    /** {@code name} in the directory change events name {@code dir} changed on the server. */
    void changed(Fanotify.FileId dir, byte[] name) {
        Inode d = inodes.byFileId(dir);
        if (d != null) entryChanged(d, name);
    }

    private void entryChanged(Inode dir, byte[] name) {
        if (name.length == 0 || name.length > NAME_MAX) return;
        add(new Entry(dir.nodeId, name));
        add(new Node(dir.nodeId, true));
    }

    /** Notifications may have been lost: the client forgets everything, once it can be told. */
    void lostTrack() {
        lost = true;
        kick();
    }

    /** The session has a connection (again): what is waiting goes out. */
    void connected() {
        kick();
    }

    /** Notifications sent so far. */
    long sentCount() {
        return sent.sum();
    }

    /** Stops taking changes (the session ends). */
    void close() {
        watcher.unsubscribe(this);
        queue.clear();
        queued.clear();
    }

    private void add(Object change) {
        if (!queued.add(change)) return;
        queue.add(change);
        kick();
    }

    private void kick() {
        if (draining.compareAndSet(false, true)) Thread.ofVirtual().name("qtfsd-invalidations").start(this::drain);
    }

    private void drain() {
        while (true) {
            boolean delivered = deliver();
            draining.set(false);
            // a change queued while this thread was finishing found it still draining
            if (!delivered || queue.isEmpty() && !lost) return;
            if (!draining.compareAndSet(false, true)) return;
        }
    }

    /** Sends what is queued; false when the client cannot be reached now (then it forgets everything later). */
    private boolean deliver() {
        if (lost) {
            lost = false;
            forgetQueued();   // forgetting everything covers them
            if (!forgetEverything()) return notDelivered();
        }
        Object change;
        while ((change = queue.poll()) != null) {
            queued.remove(change);
            if (!send(change)) return notDelivered();
        }
        return true;
    }

    private boolean notDelivered() {
        lost = true;
        forgetQueued();
        return false;
    }

    private void forgetQueued() {
        queue.clear();
        queued.clear();
    }

    private boolean send(Object change) {
        int n = switch (change) {
            // data from offset 0 to the end; offset -1: attributes only
            case Node node -> Notify.invalInode(message, node.nodeId, node.data ? 0 : -1, 0);
            case Entry entry -> Notify.invalEntry(message, entry.dir, entry.name);
            default -> throw new IllegalStateException("unknown change " + change);
        };
        return push(n);
    }

    private boolean push(int length) {
        if (!channel.send(message.asSlice(0, length))) return false;
        sent.increment();
        return true;
    }

    private boolean forgetEverything() {
        boolean[] ok = {true};
        inodes.forEachInode(inode -> {
            if (!ok[0]) return;
            ok[0] = push(Notify.invalInode(message, inode.nodeId, 0, 0));
            Inode.ParentLink link = inode.parentLink;
            if (ok[0] && link != null) ok[0] = push(Notify.invalEntry(message, link.parent().nodeId, link.name()));
        });
        return ok[0];
    }
}
