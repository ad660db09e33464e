package qtfs.server.fs;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import qtfs.fuse.proto.Notify;
import qtfs.sys.ErrnoException;
import qtfs.sys.EventFd;
import qtfs.sys.Poll;

/**
 * The handles whose poll the client's kernel waits on (a POLL with
 * FUSE_POLL_SCHEDULE_NOTIFY that found nothing ready), watched by one thread of the session
 * with poll(2); once one is ready the kernel gets a NOTIFY_POLL with its poll handle and
 * polls again. Each watch is used once, as the kernel registers again when it polls. A watch
 * keeps its handle's descriptor open until it fires or the handle is released.
 */
final class FifoPollWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FifoPollWatcher.class.getName());

    private record Watch(long kh, OpenFile file, int events) {}

    private final Map<Long, Watch> byKh = new ConcurrentHashMap<>();
    private volatile NotificationSink sink = NotificationSink.NONE;
    private EventFd wake;
    private Thread thread;
    private boolean closed;

    /** Where the wake-ups go: the daemon sends them on a connection of the session. */
    void sendTo(NotificationSink notifications) {
        sink = notifications;
    }

    /** The kernel waits for {@code events} on {@code file} under poll handle {@code kh}. */
    void watch(long kh, OpenFile file, int events) throws ErrnoException {
        synchronized (this) {
            if (closed || !file.acquire()) return;
            if (thread == null) {
                wake = new EventFd();
                thread = Thread.ofPlatform().name("qtfsd-fifo-poll").daemon().start(this::run);
            }
            Watch old = byKh.put(kh, new Watch(kh, file, events));
            if (old != null) old.file.release();
            wake.signal();
        }
    }

    /** Handle {@code fh} was released: its watches go. */
    void forget(long fh) {
        boolean any = false;
        for (Watch w : byKh.values()) {
            if (w.file.fh == fh && byKh.remove(w.kh, w)) {
                w.file.release();
                any = true;
            }
        }
        if (any) poke();
    }

    /** How many handles are watched. */
    int size() {
        return byKh.size();
    }

    private void run() {
        try (Poll poll = new Poll(16); Arena arena = Arena.ofConfined()) {
            MemorySegment notification = arena.allocate(Notify.POLL_SIZE, 8);
            List<Watch> watched = new ArrayList<>();
            while (!isClosed()) {
                wake.drain();
                watched.clear();
                watched.addAll(byKh.values());
                poll.clear();
                poll.add(wake.fd(), Poll.POLLIN);
                for (Watch w : watched) poll.add(w.file.fd, w.events);
                poll.await(-1);
                for (int i = 0; i < watched.size(); i++) {
                    Watch w = watched.get(i);
                    if (poll.revents(i + 1) == 0 || !byKh.remove(w.kh, w)) continue;
                    Notify.pollWakeup(notification, w.kh);
                    sink.send(notification);
                    w.file.release();
                }
            }
        } catch (ErrnoException | RuntimeException e) {
            LOG.log(Level.ERROR, "FIFO poll watcher stopped: poll wake-ups are no longer sent", e);
        } finally {
            synchronized (this) {
                closed = true;
                wake.close();
            }
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** Makes the thread look at the watches again; never after it closed its eventfd. */
    private synchronized void poke() {
        if (!closed && wake != null) wake.signal();
    }

    /** Stops watching: every watched descriptor is let go. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            if (wake != null) wake.signal();
            closed = true;
        }
        for (Watch w : byKh.values()) {
            if (byKh.remove(w.kh, w)) w.file.release();
        }
    }
}
