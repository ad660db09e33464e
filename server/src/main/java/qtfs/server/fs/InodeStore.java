package qtfs.server.fs;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import qtfs.sys.ErrnoException;
import qtfs.sys.Fanotify;
import qtfs.sys.FileIo;
import qtfs.sys.Statx;

/**
 * Node id → inode, and (dev, ino) → inode so that every name of a hard-linked file maps to
 * one node id. Node id 1 is the export root and lives as long as the store; other ids count
 * up and are never reused. Updates of one inode serialise on its key's map entry, so there
 * is no store-wide lock. When changes are watched, inodes are also found by the file id
 * change events name them by.
 */
final class InodeStore {
    static final long ROOT_ID = 1;

    private final ConcurrentHashMap<Long, Inode> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InodeKey, Inode> byKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Fanotify.FileId, Inode> byFileId = new ConcurrentHashMap<>();
    /** Null when changes are not watched. */
    private final ChangeWatcher watcher;
    private final AtomicLong nextId = new AtomicLong(ROOT_ID + 1);
    private final DescriptorBudget budget;
    private final Inode root;

    /**
     * Takes ownership of {@code rootFd} (an O_PATH descriptor of the export directory);
     * {@code watcher} (null: none) watches the file systems of the inodes handed out.
     */
    InodeStore(int rootFd, DescriptorBudget budget, ChangeWatcher watcher) throws ErrnoException {
        this.budget = budget;
        this.watcher = watcher;
        Statx st = Statx.of(rootFd);
        FileSystemKind kind = FileSystemKind.of(rootFd);
        // the root is never parked: every path starts there
        root = new Inode(ROOT_ID, rootFd, new InodeKey(st.dev(), st.ino()), st.type(), kind, budget, false,
                fileIdOf(rootFd, st.dev(), kind, null));
        root.lookups = 1;
        byId.put(ROOT_ID, root);
        byKey.put(root.key, root);
        if (root.fileId != null) byFileId.put(root.fileId, root);
        budget.register(this);
    }

    /**
     * How change events will name the inode {@code fd} holds, or null when its changes are not
     * watched (volatile contents, a file system that cannot be watched, no file handle).
     */
    private Fanotify.FileId fileIdOf(int fd, long dev, FileSystemKind kind, Inode parent) {
        if (watcher == null || kind.volatileContent()) return null;
        long fsid;
        if (parent != null && parent.key.dev() == dev) {
            if (parent.fileId == null) return null;
            fsid = parent.fileId.fsid();
        } else {
            fsid = watcher.watch(fd);
        }
        if (fsid == ChangeWatcher.UNWATCHED) return null;
        try {
            return Fanotify.FileId.of(fd, fsid);
        } catch (ErrnoException e) {
            return null;
        }
    }

    Inode root() {
        return root;
    }

    /** The node id the client knows the inode {@code key} by, or 0 when it knows none. */
    long nodeIdOf(InodeKey key) {
        Inode inode = byKey.get(key);
        return inode == null ? 0 : inode.nodeId;
    }

    /** The inode with {@code nodeId}, with a use taken (the caller releases it), or null. */
    Inode acquire(long nodeId) {
        Inode inode = byId.get(nodeId);
        return inode != null && inode.acquire() ? inode : null;
    }

    /**
     * Records one more kernel reference to the inode that {@code fd} (O_PATH) holds and
     * returns it with a use taken. When the inode is known already, {@code fd} is closed (or
     * becomes its descriptor again if it was parked) and the known node is returned;
     * otherwise {@code fd} becomes the new node's descriptor. {@code parent} lets a child on
     * the same file system inherit its kind without a statfs; with {@code name}, it is
     * remembered as where the inode was found.
     */
    Inode remember(int fd, Statx st, Inode parent, byte[] name) {
        InodeKey key = new InodeKey(st.dev(), st.ino());
        FileSystemKind kind = parent != null && parent.key.dev() == key.dev() ? parent.fsKind : FileSystemKind.of(fd);
        Inode[] found = new Inode[1];
        boolean[] taken = new boolean[1];
        byKey.compute(key, (k, existing) -> {
            Inode inode = existing;
            if (inode == null) {
                inode = new Inode(nextId.getAndIncrement(), fd, k, st.type(), kind, budget, !kind.volatileContent(),
                        fileIdOf(fd, k.dev(), kind, parent));
                byId.put(inode.nodeId, inode);
                if (inode.fileId != null) byFileId.put(inode.fileId, inode);
                taken[0] = true;
            } else {
                taken[0] = inode.adopt(fd);
            }
            inode.lookups++;
            inode.acquire();   // cannot fail: an inode in the map holds the store's use
            found[0] = inode;
            return inode;
        });
        if (!taken[0]) FileIo.closeQuietly(fd);
        if (parent != null && name != null && found[0] != root) place(found[0], parent, name);
        if (taken[0]) budget.parkIfOver();
        return found[0];
    }

    /**
     * The inode {@code st} describes, if the client knows it, is now found as {@code name} in
     * {@code parent} (after a rename): {@link ServerPaths} places deep inodes by that name.
     */
    void foundAt(Statx st, Inode parent, byte[] name) {
        Inode inode = byKey.get(new InodeKey(st.dev(), st.ino()));
        if (inode != null && inode != root) place(inode, parent, name);
    }

    private static void place(Inode inode, Inode parent, byte[] name) {
        inode.parentLink = new Inode.ParentLink(parent, name);
        Set<Inode> siblings = parent.children;
        if (siblings != null) siblings.add(inode);
    }

    /**
     * The inodes last found in directory {@code dir} (by lookup, creation or rename), the
     * client's cached names in it. The first call scans every node; from then on the store
     * keeps the answer up to date. Members may since have been found elsewhere: check their
     * parent link.
     */
    Set<Inode> childrenOf(Inode dir) {
        Set<Inode> known = dir.children;
        if (known != null) return known;
        synchronized (dir) {
            if (dir.children != null) return dir.children;
            known = ConcurrentHashMap.newKeySet();
            dir.children = known;
        }
        // after publishing the set: a child placed meanwhile is either seen here or adds itself
        for (Inode inode : byId.values()) {
            Inode.ParentLink link = inode.parentLink;
            if (link != null && link.parent() == dir) known.add(inode);
        }
        return known;
    }

    /** One more kernel reference to a known inode; false if it was forgotten meanwhile. */
    boolean addLookup(Inode inode) {
        boolean[] added = new boolean[1];
        byKey.computeIfPresent(inode.key, (k, existing) -> {
            if (existing == inode) {
                inode.lookups++;
                added[0] = true;
            }
            return existing;
        });
        return added[0];
    }

    /** The kernel dropped {@code count} references; at zero the node id is gone for good. */
    void forget(long nodeId, long count) {
        if (nodeId == ROOT_ID) return;
        Inode inode = byId.get(nodeId);
        if (inode == null) return;
        boolean[] dropped = new boolean[1];
        byKey.computeIfPresent(inode.key, (k, existing) -> {
            if (existing != inode) return existing;
            inode.lookups -= Math.min(inode.lookups, count < 0 ? Long.MAX_VALUE : count);
            if (inode.lookups > 0) return existing;
            byId.remove(nodeId);
            if (inode.fileId != null) byFileId.remove(inode.fileId, inode);
            dropped[0] = true;
            return null;
        });
        if (dropped[0]) {
            Inode.ParentLink link = inode.parentLink;
            Set<Inode> siblings = link == null ? null : link.parent().children;
            if (siblings != null) siblings.remove(inode);
            inode.release();
        }
    }

    /** The known inode change events name {@code id}, or null. */
    Inode byFileId(Fanotify.FileId id) {
        return byFileId.get(id);
    }

    /** The known inode with {@code key}, or null. */
    Inode byKey(InodeKey key) {
        return byKey.get(key);
    }

    /** Node ids currently known (the root included). */
    int size() {
        return byId.size();
    }

    /** Visits every known inode (for parking: a snapshot is not needed, any order will do). */
    void forEachInode(Consumer<Inode> visitor) {
        byId.values().forEach(visitor);
    }

    /** Drops every node; descriptors close as their last users finish. */
    void close() {
        budget.unregister(this);
        for (Inode inode : byId.values()) {
            byId.remove(inode.nodeId);
            byKey.remove(inode.key, inode);
            if (inode.fileId != null) byFileId.remove(inode.fileId, inode);
            inode.release();
        }
    }
}
