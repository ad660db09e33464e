package qtfs.server.fs;

import java.lang.System.Logger.Level;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import qtfs.sys.ErrnoException;
import qtfs.sys.Fanotify;
import qtfs.sys.ProcSelf;
import qtfs.sys.StatFs;
import qtfs.sys.ThreadIds;

/**
 * Watches the file systems of every inode qtfsd hands out and tells each session what its
 * client must forget, so that clients may cache names and attributes for long.
 *
 * <p>One fanotify group for the daemon marks each exported file system whole (one mark, no
 * per-inode watch limit); events name objects by file handle, mapped to each session's inodes
 * by {@link InodeStore#byFileId}. Changes made by qtfsd's own request threads are not taken
 * from fanotify: the thread's current session is not known by the time the event is read, so
 * the session that makes a change announces it ({@link #announce}) to the other sessions
 * only, and its own client, which made the change, keeps its caches. On a queue overflow,
 * every session forgets everything.
 */
public final class ChangeWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ChangeWatcher.class.getName());
    /** What {@link #watch} returns for a file system whose changes are not seen. */
    static final long UNWATCHED = 0;
    private static final long ENTRY_EVENTS = Fanotify.CREATE | Fanotify.DELETE | Fanotify.MOVED_FROM | Fanotify.MOVED_TO;
    private static final long INODE_EVENTS = Fanotify.MODIFY | Fanotify.ATTRIB | Fanotify.DELETE_SELF | Fanotify.MOVE_SELF;
    private static final long EVENTS = ENTRY_EVENTS | INODE_EVENTS | Fanotify.ONDIR;
    private static final int POLL_MILLIS = 200;
    private static final int PRUNE_ABOVE = 1024;

    /** Null when fanotify is not available: then nothing is watched. */
    private final Fanotify group;
    private final Thread reader;
    private volatile boolean closed;
    private final Set<Invalidations> sessions = ConcurrentHashMap.newKeySet();
    /**
     * Threads serving requests, by kernel thread id; their changes are announced, not read from
     * events. Weakly held: a connection's reader thread that ended must not keep its connection
     * and session (reachable from the thread) alive until the next prune.
     */
    private final ConcurrentHashMap<Integer, WeakReference<Thread>> servingThreads = new ConcurrentHashMap<>();
    private final ThreadLocal<Boolean> registered = ThreadLocal.withInitial(() -> false);
    private final LongAdder events = new LongAdder(), ownEvents = new LongAdder();

    private ChangeWatcher(Fanotify group) {
        this.group = group;
        this.reader = group == null ? null : Thread.ofPlatform().name("qtfsd-changes").daemon().start(this::run);
    }

    /**
     * Starts watching, or, when fanotify is not available (no CAP_SYS_ADMIN, old kernel),
     * returns a watcher that watches nothing, logged once: clients then cache for at most
     * {@link CacheTimes#UNWATCHED}.
     */
    public static ChangeWatcher start() {
        try {
            return new ChangeWatcher(Fanotify.open());
        } catch (ErrnoException e) {
            LOG.log(Level.WARNING, "changes on the server cannot be watched (" + e.getMessage() + "): clients cache names "
                    + "and attributes for at most " + CacheTimes.UNWATCHED.toSeconds() + " s");
            return new ChangeWatcher(null);
        }
    }

    /** A watcher that watches nothing, for a session served on its own (tests): its cache times apply unchanged. */
    static ChangeWatcher detached() {
        return new ChangeWatcher(null);
    }

    /** Whether fanotify events are being read. */
    public boolean active() {
        return group != null;
    }

    /**
     * Watches the file system of the inode {@code fd} holds (again: marking twice is harmless,
     * and a file system mounted anew needs a mark of its own). Returns its fsid, or
     * {@link #UNWATCHED} when its changes cannot be seen.
     */
    long watch(int fd) {
        if (group == null) return UNWATCHED;
        try {
            long fsid = StatFs.of(fd).fsid();
            group.markFileSystem(fd, EVENTS);
            return fsid;
        } catch (ErrnoException e) {
            LOG.log(Level.INFO, () -> "changes on the file system of " + describe(fd) + " are not watched (" + e.getMessage()
                    + "): its files are cached by clients for at most " + CacheTimes.UNWATCHED.toSeconds() + " s");
            return UNWATCHED;
        }
    }

    private static String describe(int fd) {
        try {
            return new String(ProcSelf.pathOf(fd), StandardCharsets.UTF_8);
        } catch (ErrnoException e) {
            return "descriptor " + fd;
        }
    }

    /** The calling thread serves requests from now on: the changes it makes are announced by their session. */
    void servingThread() {
        if (group == null || registered.get()) return;
        registered.set(true);
        // connection readers come and go: forget the ended ones now and then
        if (servingThreads.size() > PRUNE_ABOVE) servingThreads.values().removeIf(ref -> !isAlive(ref));
        servingThreads.put(ThreadIds.current(), new WeakReference<>(Thread.currentThread()));
    }

    private static boolean isAlive(WeakReference<Thread> ref) {
        Thread t = ref.get();
        return t != null && t.isAlive();
    }

    void subscribe(Invalidations session) {
        sessions.add(session);
    }

    void unsubscribe(Invalidations session) {
        sessions.remove(session);
    }

    /** Session {@code source} changed the inode {@code key} (its data too if {@code data}): the others must forget it. */
    void announce(Invalidations source, InodeKey key, boolean data) {
        for (Invalidations s : sessions) {
            if (s != source) s.changed(key, data);
        }
    }

    /** Session {@code source} added, removed or moved {@code name} in directory {@code dir}. */
    void announce(Invalidations source, InodeKey dir, byte[] name) {
        for (Invalidations s : sessions) {
            if (s != source) s.changed(dir, name);
        }
    }

    /** Events read so far, and those of them caused by request threads (skipped). */
    long eventCount() {
        return events.sum();
    }

    long ownEventCount() {
        return ownEvents.sum();
    }

    private void run() {
        while (!closed) {
            List<Fanotify.Event> batch;
            try {
                batch = group.read(POLL_MILLIS);
            } catch (ErrnoException | RuntimeException e) {
                LOG.log(Level.ERROR, "reading change events failed (" + e.getMessage() + "): clients forget what they cached", e);
                sessions.forEach(Invalidations::lostTrack);
                sleep();
                continue;
            }
            for (Fanotify.Event e : batch) dispatch(e);
        }
    }

    void dispatch(Fanotify.Event e) {
        events.increment();
        if ((e.mask() & Fanotify.Q_OVERFLOW) != 0) {
            LOG.log(Level.WARNING, "too many changes at once on the server (event queue overflow): clients forget what they cached");
            sessions.forEach(Invalidations::lostTrack);
            return;
        }
        WeakReference<Thread> t = servingThreads.get(e.tid());
        if (t != null) {
            if (isAlive(t)) {
                ownEvents.increment();
                return;
            }
            servingThreads.remove(e.tid(), t);   // gone: its id may now be another process's thread
        }
        boolean entry = (e.mask() & ENTRY_EVENTS) != 0 && e.dir() != null && e.name() != null;
        boolean inode = (e.mask() & INODE_EVENTS) != 0 && e.object() != null;
        boolean data = (e.mask() & Fanotify.MODIFY) != 0;
        for (Invalidations s : sessions) {
            if (inode) s.changed(e.object(), data);
            if (entry) s.changed(e.dir(), e.name());
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops reading events; the marks go with the group. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (reader != null) {
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            group.close();
        }
    }
}
