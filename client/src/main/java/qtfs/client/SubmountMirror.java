package qtfs.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shows each mount the server has below the export as a mount of its own on the client,
 * so that it has its own st_dev (df, find -xdev and du -x behave as on the server): a
 * qtfs mount of the server's mount point, on the same path below the client's mount point.
 * The kernel's FUSE automounts (FUSE_SUBMOUNTS) would do the same, but they are offered to
 * virtio-fs only, never to a /dev/fuse server.
 *
 * <p>The server sends the list of its mount points below the export (SUBMOUNTS) after
 * attaching and at every change; one thread makes the client's mounts follow it: new mount
 * points are mounted (parents first), gone ones unmounted (children first). A mirror that
 * disappears while the server still lists it (the kernel drops a mount whose directory it
 * finds replaced, e.g. when the mount was made under a name it had cached) is mounted again.
 */
final class SubmountMirror implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SubmountMirror.class.getName());
    /** A mount point that could not be mirrored is tried again after this long at the earliest. */
    private static final long RETRY_NANOS = Duration.ofSeconds(5).toNanos();

    private final ClientOptions parent;
    private final Recovery recovery;
    private final Object lock = new Object();
    private final Map<String, MountClient> mirrors = new LinkedHashMap<>();
    private final Map<String, Long> failedAt = new HashMap<>();
    private List<String> wanted = List.of();
    private boolean changed;
    private boolean closed;
    private Thread thread;

    SubmountMirror(ClientOptions parent, Recovery recovery) {
        this.parent = parent;
        this.recovery = recovery;
    }

    /** The server's current list of mount points below the export (relative paths, parents first). */
    void serverSays(List<String> paths) {
        synchronized (lock) {
            wanted = List.copyOf(paths);
            changed = true;
            lock.notifyAll();
        }
    }

    /** The parent mount serves requests now: mirrors may be mounted inside it. */
    void start() {
        synchronized (lock) {
            changed = true;
            thread = Thread.ofPlatform().name("qtfs-submounts").daemon().start(this::run);
        }
    }

    private void run() {
        while (true) {
            List<String> target;
            synchronized (lock) {
                try {
                    // woken by a change, or after a while to retry what failed
                    if (!changed && !closed) lock.wait(RETRY_NANOS / 1_000_000);
                } catch (InterruptedException e) {
                    return;
                }
                if (closed) return;
                changed = false;
                target = wanted;
            }
            follow(target);
        }
    }

    /** Unmounts what the server no longer has, mounts what it has and the client not yet. */
    private void follow(List<String> target) {
        List<String> mine;
        synchronized (lock) {
            mine = new ArrayList<>(mirrors.keySet());
        }
        for (int i = mine.size() - 1; i >= 0; i--) {
            String path = mine.get(i);
            if (!target.contains(path)) drop(path);
        }
        for (String path : target) {
            synchronized (lock) {
                if (closed) return;
                if (mirrors.containsKey(path)) continue;
                Long failed = failedAt.get(path);
                if (failed != null && System.nanoTime() - failed < RETRY_NANOS) continue;
            }
            mirror(path);
        }
    }

    private void mirror(String path) {
        ClientOptions o = new ClientOptions(parent.server(), parent.serverPath().replaceAll("/+$", "") + "/" + path,
                parent.mountpoint().resolve(path), 1, Math.min(2, parent.fuseThreads()), parent.attrTimeout(),
                parent.entryTimeout(), parent.allowOther(), parent.readOnly(), parent.tls(), ProcMode.OFF, parent.localFifos());
        try {
            MountClient m = MountClient.mountMirror(o, recovery);
            synchronized (lock) {
                failedAt.remove(path);
                if (closed) {
                    m.close();
                    return;
                }
                mirrors.put(path, m);
            }
            Thread.ofVirtual().name("qtfs-submount-watch").start(() -> watch(path, m));
            LOG.log(System.Logger.Level.INFO, "server mount {0} shown as a mount of its own on {1}", o.serverPath(), o.mountpoint());
        } catch (MountException | RuntimeException e) {
            synchronized (lock) {
                failedAt.put(path, System.nanoTime());
            }
            LOG.log(System.Logger.Level.WARNING, "cannot show the server mount {0} as a mount of its own: {1}", o.serverPath(),
                    e.getMessage());
        }
    }

    /** Notices a mirror unmounted from outside, for {@link #follow} to mount it again if the server still has it. */
    private void watch(String path, MountClient m) {
        try {
            m.awaitUnmount();
        } catch (InterruptedException e) {
            return;
        }
        synchronized (lock) {
            if (mirrors.get(path) != m) return;
            mirrors.remove(path);
            changed = true;
            lock.notifyAll();
        }
        m.close();
    }

    private void drop(String path) {
        MountClient m;
        synchronized (lock) {
            m = mirrors.remove(path);
        }
        if (m == null) return;
        m.close();
        LOG.log(System.Logger.Level.INFO, "server mount {0} gone: unmounted {1}", path, parent.mountpoint().resolve(path));
    }

    /** Unmounts every mirror, children first. */
    @Override
    public void close() {
        List<MountClient> all;
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
            all = new ArrayList<>(mirrors.values());
            mirrors.clear();
        }
        for (int i = all.size() - 1; i >= 0; i--) all.get(i).close();
    }
}
