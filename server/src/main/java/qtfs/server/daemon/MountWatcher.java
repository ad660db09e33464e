package qtfs.server.daemon;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import qtfs.sys.ErrnoException;
import qtfs.sys.MountInfo;
import qtfs.sys.MountTableWatch;

/**
 * Watches the daemon's mount table, so that clients learn at once of every mount and unmount
 * below their exports (made by a client or by anyone on the server): one platform thread
 * waiting for the kernel's POLLPRI on /proc/self/mountinfo, handing each new table on.
 */
final class MountWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MountWatcher.class.getName());
    /** How often the thread looks whether it should stop. */
    private static final int POLL_MILLIS = 500;

    private final MountTableWatch watch;
    private final Consumer<String> onChange;
    private final Thread thread;
    private volatile String table;
    private volatile boolean closed;

    private MountWatcher(MountTableWatch watch, String table, Consumer<String> onChange) {
        this.watch = watch;
        this.table = table;
        this.onChange = onChange;
        this.thread = watch == null ? null : Thread.ofPlatform().name("qtfsd-mount-watcher").daemon().start(this::run);
    }

    /** Starts watching; {@code onChange} gets each new table. Without a readable table, clients see no submounts. */
    static MountWatcher start(Consumer<String> onChange) {
        try {
            MountTableWatch watch = new MountTableWatch();
            return new MountWatcher(watch, watch.read(), onChange);
        } catch (ErrnoException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot watch the mount table ({0}): clients will not see mounts below"
                    + " their exports as mounts of their own", e.getMessage());
            return new MountWatcher(null, "", onChange);
        }
    }

    /** The mount table as last read. */
    String table() {
        return table;
    }

    /**
     * The mount points strictly below {@code export} in {@code table}, relative to it, in the
     * table's order (a mount point's parents come first), each once.
     */
    static List<String> below(String export, String table) {
        String prefix = export.endsWith("/") ? export : export + "/";
        Set<String> found = new LinkedHashSet<>();
        for (String point : MountInfo.mountPoints(table))
            if (point.startsWith(prefix) && point.length() > prefix.length()) found.add(point.substring(prefix.length()));
        return new ArrayList<>(found);
    }

    private void run() {
        while (!closed) {
            try {
                if (!watch.awaitChange(POLL_MILLIS)) continue;
                String now = watch.read();
                table = now;
                onChange.accept(now);
            } catch (ErrnoException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "watching the mount table failed: {0}", e.getMessage());
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (thread == null) return;
        try {
            thread.join(POLL_MILLIS * 4L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) watch.close();
    }
}
