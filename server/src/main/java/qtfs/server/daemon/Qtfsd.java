package qtfs.server.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import qtfs.server.whitelist.Section;
import qtfs.server.whitelist.Whitelist;
import qtfs.server.whitelist.WhitelistException;
import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.FileCalls;
import qtfs.sys.OpenFileLimit;
import qtfs.transport.Address;
import qtfs.transport.Connection;
import qtfs.transport.Handshake;
import qtfs.transport.Incoming;
import qtfs.transport.Listener;
import qtfs.wire.Features;

/**
 * The qtfs server daemon: accepts client connections on its listeners, attaches them to mount
 * sessions and serves their FUSE requests from a fixed pool of platform worker threads.
 * Lock waits (SETLKW) get threads of their own so that they never starve the workers.
 */
public final class Qtfsd implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Qtfsd.class.getName());
    /** Most SETLKW requests waiting at once, server-wide; beyond that they fail with ENOLCK. */
    static final int MAX_LOCK_WAITERS = 256;
    /** Most FIFO opens, reads and writes served at once (each may wait for the other end); beyond that EAGAIN. */
    static final int MAX_FIFO_WAITERS = 256;
    /** Refusals of surplus connections in progress at once; beyond that they are just closed. */
    private static final int MAX_DECLINING = 16;
    /** A client that takes no reply for this long is disconnected. */
    static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(30);

    private final QtfsdConfig config;
    private final Liveness liveness;
    private final InstanceLock lock;
    private final List<Listener> listeners;
    private final MountSessions sessions;
    private final Handshake handshake = new Handshake(Handshake.localIdentity("qtfsd"),
            Features.NO_XATTRS_HINTS | Features.SUBMOUNTS | Features.FIFO_STREAMS);
    private final ExecutorService workers;
    private final ThreadPoolExecutor lockWaiters;
    private final ThreadPoolExecutor fifoWaiters;
    private final RequestBuffers requestBuffers;
    private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final AtomicInteger declining = new AtomicInteger();
    private final AtomicLong lastConnectionId = new AtomicLong();
    private final List<Thread> acceptThreads = new ArrayList<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final ScheduledExecutorService sendWatchdog;
    private volatile boolean closing;
    private final MountWatcher mountWatcher;

    private Qtfsd(QtfsdConfig config, Liveness liveness, Whitelist whitelist, InstanceLock lock, List<Listener> listeners,
                  Duration sendTimeout) {
        this.config = config;
        this.liveness = liveness;
        this.lock = lock;
        this.listeners = listeners;
        this.sessions = new MountSessions(whitelist, config.whitelistFile(), config.maxWrite(), liveness.sessionGrace());
        this.workers = Executors.newFixedThreadPool(config.workerThreads(), ReplyThread.factory("qtfsd-worker-", config.maxFrameSize()));
        this.lockWaiters = new ThreadPoolExecutor(0, MAX_LOCK_WAITERS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                ReplyThread.factory("qtfsd-lockwait-", config.maxFrameSize()));
        this.fifoWaiters = new ThreadPoolExecutor(0, MAX_FIFO_WAITERS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                ReplyThread.factory("qtfsd-fifo-", config.maxFrameSize()));
        this.requestBuffers = new RequestBuffers(config.maxFrameSize(), 2 * config.workerThreads() + 4);
        this.mountWatcher = MountWatcher.start(table -> connections.forEach(c -> c.mountTableChanged(table)));
        this.sendWatchdog = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("qtfsd-send-watchdog").daemon().factory());
        long timeoutNanos = sendTimeout.toNanos();
        long period = Math.max(10, Math.min(1000, sendTimeout.toMillis() / 4));
        sendWatchdog.scheduleWithFixedDelay(() -> {
            long now = System.nanoTime();
            for (ClientConnection c : connections) c.closeIfStalled(now, timeoutNanos);
        }, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Validates the configuration, takes the single-instance lock, binds every listener and
     * starts accepting; returns once clients can connect.
     */
    public static Qtfsd start(QtfsdConfig config) throws QtfsdException {
        return start(config, Liveness.defaults());
    }

    /** {@link #start(QtfsdConfig)} with heartbeats and a session grace period of one's own. */
    public static Qtfsd start(QtfsdConfig config, Liveness liveness) throws QtfsdException {
        return start(config, liveness, DEFAULT_SEND_TIMEOUT);
    }

    /** The same, disconnecting clients that take no reply for {@code sendTimeout}. */
    static Qtfsd start(QtfsdConfig config, Duration sendTimeout) throws QtfsdException {
        return start(config, Liveness.defaults(), sendTimeout);
    }

    static Qtfsd start(QtfsdConfig config, Liveness liveness, Duration sendTimeout) throws QtfsdException {
        Whitelist whitelist = loadWhitelist(config.whitelistFile());
        InstanceLock lock = InstanceLock.acquire(config.runDir());
        raiseOpenFileLimit();
        List<Listener> listeners = new ArrayList<>();
        try {
            // modes in requests were already masked by the client's kernel: applying ours too would be wrong
            FileCalls.umask(0);
            for (Address address : config.listen()) listeners.add(Listener.bind(address, config.acceptPolicy(), config.maxFrameSize()));
        } catch (IOException | RuntimeException e) {
            listeners.forEach(Listener::close);
            lock.close();
            throw new QtfsdException(e.getMessage(), e);
        }
        Qtfsd daemon = new Qtfsd(config, liveness, whitelist, lock, listeners, sendTimeout);
        for (Listener l : listeners) {
            daemon.acceptThreads.add(Thread.ofPlatform().name("qtfsd-accept-" + l.address()).daemon().start(() -> daemon.acceptLoop(l)));
        }
        LOG.log(System.Logger.Level.INFO, "qtfsd ready, listening on {0} (exports: {1})",
                daemon.boundAddresses().stream().map(Address::toString).collect(Collectors.joining(", ")),
                String.join(", ", whitelist.paths(Section.MOUNT)));
        return daemon;
    }

    /**
     * Every inode a client kernel holds is an open descriptor here, and kernels keep tens of
     * thousands of inodes cached: the default limit (often 1024 or a few thousand) runs out
     * after a large directory listing, failing later opens with EMFILE.
     */
    private static void raiseOpenFileLimit() {
        try {
            OpenFileLimit.Limits limits = OpenFileLimit.raiseToMaximum();
            LOG.log(System.Logger.Level.DEBUG, "open file limit {0}", limits.soft());
        } catch (ErrnoException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot raise the open file limit: {0}", e.getMessage());
        }
    }

    private static Whitelist loadWhitelist(Path file) throws QtfsdException {
        Whitelist whitelist;
        try {
            whitelist = Whitelist.load(file);
        } catch (WhitelistException e) {
            throw new QtfsdException(e.getMessage(), e);
        }
        if (whitelist.paths(Section.MOUNT).isEmpty()) {
            throw new QtfsdException(file + ": no [Mount] entry; qtfsd exports nothing without one and does not start");
        }
        return whitelist;
    }

    /** The addresses listened on; a TCP port 0 is replaced by the port actually bound. */
    public List<Address> boundAddresses() {
        return listeners.stream().map(Listener::address).toList();
    }

    private void acceptLoop(Listener listener) {
        while (!closing) {
            Incoming c;
            try {
                c = listener.accept();
            } catch (IOException e) {
                if (closing || !listener.isOpen()) return;
                LOG.log(System.Logger.Level.WARNING, "accepting on {0} failed: {1}", listener.address(), e.getMessage());
                pauseAfterAcceptFailure();
                continue;
            }
            long id = lastConnectionId.incrementAndGet();
            if (connectionCount.incrementAndGet() > config.maxConnections()) {
                connectionCount.decrementAndGet();
                decline(c, id);
                continue;
            }
            LOG.log(System.Logger.Level.INFO, "connection #{0} accepted from {1}", id, c.peer());
            ClientConnection cc = new ClientConnection(id, c, this);
            connections.add(cc);
            if (closing) {
                cc.close();
                connections.remove(cc);
                connectionCount.decrementAndGet();
                return;
            }
            cc.start();
        }
    }

    /** Out of file descriptors, typically: give the system a moment instead of spinning. */
    private static void pauseAfterAcceptFailure() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void decline(Incoming c, long id) {
        String reason = "too many connections (the limit is " + config.maxConnections() + ")";
        if (declining.incrementAndGet() > MAX_DECLINING) {
            declining.decrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "connection #{0} from {1} dropped: {2}", id, c.peer(), reason);
            c.close();
            return;
        }
        Thread.ofPlatform().name("qtfsd-decline-" + id).daemon().start(() -> {
            try {
                Connection established = c.establish();
                handshake.decline(established, Errno.EAGAIN, reason);
            } catch (IOException e) {
                // not established: refused (and logged) for its own reason
            } finally {
                c.close();
                declining.decrementAndGet();
            }
        });
    }

    void connectionEnded(ClientConnection c) {
        if (connections.remove(c)) connectionCount.decrementAndGet();
    }

    Liveness liveness() {
        return liveness;
    }

    ClientLimits limits() {
        return config.limits();
    }

    Handshake handshake() {
        return handshake;
    }

    /** The server's mount table as last read (for the SUBMOUNTS of a newly attached client). */
    String mountTable() {
        return mountWatcher.table();
    }

    MountSessions sessions() {
        return sessions;
    }

    ExecutorService workers() {
        return workers;
    }

    ExecutorService lockWaiters() {
        return lockWaiters;
    }

    /** Threads for FIFO requests, which may wait for a process at the other end for good. */
    ExecutorService fifoWaiters() {
        return fifoWaiters;
    }

    RequestBuffers requestBuffers() {
        return requestBuffers;
    }

    boolean isClosing() {
        return closing;
    }

    /** Number of mount sessions alive (for tests and status). */
    int sessionCount() {
        return sessions.size();
    }

    /** Returns once {@link #close()} has finished. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /**
     * Stops accepting, closes every connection, ends every session (closing its files and
     * dropping its locks), releases the instance lock and removes the unix socket files.
     */
    @Override
    public synchronized void close() {
        if (closing) return;
        closing = true;
        try {
            listeners.forEach(Listener::close);
            sendWatchdog.shutdownNow();
            mountWatcher.close();
            joinAll(acceptThreads);
            List<ClientConnection> open = List.copyOf(connections);
            open.forEach(ClientConnection::close);
            joinAll(open.stream().map(ClientConnection::thread).filter(t -> t != null).toList());
            // queued requests are dropped (their clients are gone); running ones finish before their files close
            workers.shutdownNow();
            lockWaiters.shutdownNow();
            fifoWaiters.shutdownNow();
            awaitPool(workers);
            awaitPool(lockWaiters);
            awaitPool(fifoWaiters);
            sessions.endAll();
        } finally {
            lock.close();
            LOG.log(System.Logger.Level.INFO, "qtfsd stopped");
            terminated.countDown();
        }
    }

    private static void joinAll(List<Thread> threads) {
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void awaitPool(ExecutorService pool) {
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "some file-system requests were still running at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
