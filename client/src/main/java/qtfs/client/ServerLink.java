package qtfs.client;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import qtfs.fuse.FuseSession;
import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.OutHeader;
import qtfs.sys.Errno;
import qtfs.transport.Connection;
import qtfs.transport.Connector;
import qtfs.transport.Deadline;
import qtfs.transport.Frame;
import qtfs.transport.Handshake;
import qtfs.transport.Heartbeat;
import qtfs.transport.PeerClosedException;
import qtfs.wire.Attach;
import qtfs.wire.Attached;
import qtfs.wire.Failure;
import qtfs.wire.Features;
import qtfs.wire.FrameHeader;
import qtfs.wire.FrameType;
import qtfs.wire.FuseFrames;
import qtfs.wire.NoXattrs;
import qtfs.wire.Ping;
import qtfs.wire.ProtocolException;
import qtfs.wire.Service;
import qtfs.wire.Submounts;
import qtfs.wire.Welcome;

/**
 * One connection of a mount to qtfsd. Requests go out from the FUSE threads; a receiver
 * thread writes each reply straight to the kernel. When the connection drops (or its
 * heartbeat finds the server silent), the receiver connects again with growing pauses and
 * joins the same server session with its token, and every request not answered yet is sent
 * again: the server keeps the session (node ids, open files, locks) for a grace period, and
 * answers a resent request that already ran as it did the first time. Meanwhile requests
 * wait (hard mount) or, once the server has been away for the soft time-out, fail with EIO.
 * A server that no longer knows the session (restarted, or away longer than its grace period)
 * gets a new one, on which the {@link ServerSession} re-establishes the kernel's nodes and
 * open files before the unanswered requests go again. Every request, reply and notification
 * passes the session's {@link NodeTable} on its way.
 */
final class ServerLink {
    private static final System.Logger LOG = System.getLogger(ServerLink.class.getName());
    private static final long ATTACH_REQUEST_ID = 1;
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration LAST_RETRY = Duration.ofSeconds(5);
    private static final Duration MIN_ATTEMPT = Duration.ofSeconds(5);
    private static final ByteBuffer NO_GROUPS = ByteBuffer.allocate(FuseFrames.prefixSize(0)).asReadOnlyBuffer();
    private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "qtfs-soft-timeout");
        t.setDaemon(true);
        return t;
    });

    static {
        TIMER.setRemoveOnCancelPolicy(true);
    }

    private enum State { UP, DOWN, GAVE_UP, STALE, CLOSED }

    /** A request sent or to be sent, kept (copied) until answered so that it can be sent again. */
    private static final class Pending {
        final ByteBuffer prefix;
        final byte[] request;
        final boolean takesLock;
        final long queuedAt = System.nanoTime();
        /**
         * It may wait for a process at the other end of a FIFO for good: a connection that takes it
         * again ends its interruption, and a new one is timed from its last sending, not from queuedAt.
         */
        final boolean mayWaitForPeer;
        volatile long sentAt = queuedAt;
        /** It was waiting when a connection failed: a soft mount fails it once it waited the time-out. */
        volatile boolean interrupted;
        /** The connection generation it was last sent on (0: never sent); whoever moves it sends. */
        final AtomicInteger sentOn = new AtomicInteger();

        Pending(ByteBuffer prefix, MemorySegment request, boolean takesLock, boolean mayWaitForPeer) {
            this.prefix = ByteBuffer.allocate(prefix.remaining()).put(prefix.duplicate()).flip();
            this.request = request.toArray(ValueLayout.JAVA_BYTE);
            this.takesLock = takesLock;
            this.mayWaitForPeer = mayWaitForPeer;
        }
    }

    /** The connection of the moment and its number: a request goes out once per generation at most. */
    private record Generation(int number, Connection connection, int mountId, boolean xattrHints, int epoch) {}

    private final String name;
    private final int index;
    private final Connector server;
    private final Handshake handshake;
    private final Recovery recovery;
    /** Requests sent here (or waiting to be) and not answered yet, by unique. */
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    /**
     * RELEASE and RELEASEDIR requests failed locally while the server was away (soft mount):
     * the kernel has forgotten the handle, but the server still holds it open. They are sent
     * once the server is back, so that it closes the file rather than keep it for the session's life.
     */
    private final Map<Long, Pending> owedReleases = new ConcurrentHashMap<>();
    /** When the current connection last brought a frame (System.nanoTime). */
    private volatile long lastFrameAt = System.nanoTime();
    /** Why the link closed its connection itself (soft mount, server silent for the time-out); read once by the receiver. */
    private volatile String closedBecause;
    private final Object stateLock = new Object();
    private volatile State state = State.UP;
    private volatile Generation current;
    private volatile ServerSession serverSession;
    private volatile NodeTable nodes;
    /** FORGETs that came while the link was down: sent once it is back, if the server session is the same. */
    private final Queue<NodeTable.Forget> deferredForgets = new ConcurrentLinkedQueue<>();
    private volatile long downSince;
    /** Counts the outages, so that the soft time-out of one that ended does not cut the next one short. */
    private int outage;
    private FuseSession session;
    private ReleaseOrder releases;
    private NotificationQueue notifications;
    private XattrAbsence xattrs;
    private StreamFiles streams;
    private Thread receiver;
    /** Where SUBMOUNTS lists go; null when this link did not offer to take them. */
    private volatile Consumer<List<String>> submounts;
    private ScheduledFuture<?> sweeper;

    private ServerLink(int index, Connector server, Handshake handshake, Recovery recovery, Greeted greeted) {
        this.name = "connection " + index + " to " + server.address();
        this.index = index;
        this.server = server;
        this.handshake = handshake;
        this.recovery = recovery;
        this.current = new Generation(1, greeted.connection(), 0, greeted.xattrHints(), 1);
    }

    /** Connects and shakes hands; the error names the address and the reason. */
    static ServerLink open(int index, Connector server, Handshake handshake, Recovery recovery) throws IOException {
        return new ServerLink(index, server, handshake, recovery, connectAndGreet(server, handshake));
    }

    /** A connection that shook hands, and whether the server may send it NO_XATTRS (agreed in the handshake). */
    private record Greeted(Connection connection, boolean xattrHints) {}

    private static Greeted connectAndGreet(Connector server, Handshake handshake) throws IOException {
        Connection c = server.connect(FrameHeader.DEFAULT_MAX_FRAME_SIZE);
        Welcome welcome;
        try {
            welcome = handshake.initiate(c, Service.FS);
        } catch (IOException e) {
            c.close();
            throw e;
        }
        return new Greeted(c, (welcome.features() & Features.NO_XATTRS_HINTS) != 0);
    }

    /** How long one reconnection attempt (handshake and ATTACH) may take. */
    private Duration attemptTimeout() {
        Duration threeBeats = recovery.heartbeat().multipliedBy(Heartbeat.MISSED_LIMIT);
        if (recovery.heartbeat().isZero()) return RequestRelay.ATTACH_TIMEOUT;
        return threeBeats.compareTo(MIN_ATTEMPT) < 0 ? MIN_ATTEMPT : threeBeats;
    }

    /** Attaches to the session {@code request} names (token 0: a new one) and returns its token. */
    long attach(Attach request, Duration timeout) throws IOException {
        Generation g = current;
        int mountId = attach(g.connection, request, timeout);
        current = new Generation(g.number, g.connection, mountId, g.xattrHints, g.epoch);
        return lastToken;
    }

    private long lastToken;

    /** Sends ATTACH on {@code connection}; returns the mount id and leaves the token in {@link #lastToken}. */
    private int attach(Connection connection, Attach request, Duration timeout) throws IOException {
        try (Deadline deadline = Deadline.start(connection, timeout)) {
            try {
                connection.send(FrameType.ATTACH, 0, ATTACH_REQUEST_ID, request.encode());
                while (true) {
                    Frame f = connection.receive();
                    switch (f.header().type()) {
                        case ATTACHED -> {
                            if (f.header().channel() == 0) throw new ProtocolException("ATTACHED with mount id 0");
                            lastToken = Attached.decode(f.payload()).token();
                            return f.header().channel();
                        }
                        case ERROR -> {
                            Failure failure = Failure.decode(f.payload(), FrameType.ERROR);
                            throw new AttachException(failure.reason(), failure.errno());
                        }
                        case PING -> pong(connection, f);
                        case PONG -> Ping.decode(f.payload(), FrameType.PONG);
                        default -> throw new ProtocolException("expected ATTACHED or ERROR from " + connection.peer() + ", got " + f.header().type());
                    }
                }
            } catch (AttachException | ProtocolException e) {
                throw e;
            } catch (IOException e) {
                if (deadline.expired()) throw new IOException("no answer from " + connection.peer() + " to ATTACH within " + Deadline.describe(timeout), e);
                throw e;
            }
        }
    }

    /**
     * Starts the receiver thread that hands replies to {@code fuse} (translated by the node table
     * of {@code serverSession}) and tells {@code releases} of each; notifications, and the replies
     * that must follow them, go through {@code notifications}; hints about nodes without extended
     * attributes go to {@code xattrs}.
     */
    /** Hands the server's lists of mount points below the export to {@code listener}; call before attaching. */
    void onSubmounts(Consumer<List<String>> listener) {
        this.submounts = listener;
    }

    void startReceiving(FuseSession fuse, ServerSession serverSession, ReleaseOrder releases, NotificationQueue notifications,
            XattrAbsence xattrs, StreamFiles streams) {
        this.session = fuse;
        this.streams = streams;
        this.serverSession = serverSession;
        this.nodes = serverSession.nodes();
        this.releases = releases;
        this.notifications = notifications;
        this.xattrs = xattrs;
        receiver = Thread.ofPlatform().name("qtfs-link-" + index).daemon().start(this::run);
        if (!recovery.hard()) {
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(100), Math.min(recovery.timeout().toNanos() / 4, TimeUnit.SECONDS.toNanos(1)));
            sweeper = TIMER.scheduleWithFixedDelay(this::failOverdue, period, period, TimeUnit.NANOSECONDS);
        }
    }

    /** Whether request {@code unique} was given to this link and is not answered yet. */
    boolean carries(long unique) {
        return pending.containsKey(unique);
    }

    /**
     * Soft mount: a request that has waited the time-out and saw a connection fail meanwhile
     * fails with EIO, even if the link came back (a request that breaks the connection each
     * time it is sent would otherwise be sent for ever). A request that may wait for the other
     * end of a FIFO for good (see {@link StreamFiles#mayWaitForPeer}) fails only if no connection
     * took it again within the time-out: once the server has it again, its waiting is legitimate.
     */
    private void failOverdue() {
        long now = System.nanoTime();
        long timeout = recovery.timeout().toNanos();
        if (state == State.UP && now - lastFrameAt >= timeout) {
            // heartbeats take three intervals to call a silent server lost; a soft mount's requests may not wait that long
            for (Pending p : pending.values()) {
                if (!p.interrupted && now - p.queuedAt >= timeout) {
                    Generation g = current;
                    closedBecause = "no frame from the server for " + Deadline.describe(Duration.ofNanos(now - lastFrameAt))
                            + " while requests waited (soft mount, timeo " + Deadline.describe(recovery.timeout()) + ")";
                    g.connection.close();
                    break;
                }
            }
        }
        for (Map.Entry<Long, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            long since = p.mayWaitForPeer ? p.sentAt : p.queuedAt;
            if (p.interrupted && now - since >= recovery.timeout().toNanos() && pending.remove(e.getKey(), p)) {
                LOG.log(System.Logger.Level.WARNING, "{0}: request {1} not answered within {2} (soft mount): failed with EIO", name,
                        Long.toUnsignedString(e.getKey()), Deadline.describe(recovery.timeout()));
                oweIfRelease(e.getKey(), p);
                answerError(e.getKey(), Errno.EIO);
            }
        }
    }

    private void answerError(long unique, int errno) {
        releases.answered(unique);
        try {
            session.replyError(unique, errno);
        } catch (RuntimeException e) {
            // the FUSE session is gone: nobody waits any more
        }
    }

    boolean isUp() {
        return state == State.UP;
    }

    /** Whether the link waits for its server (it takes requests to send once it is back). */
    boolean isWaiting() {
        return state == State.DOWN;
    }

    /**
     * Sends one FUSE request, or keeps it to send once the server is back when {@code evenIfDown}
     * and the link waits for its server. Returns false when this link does not take it: the
     * caller tries another link.
     */
    boolean forward(long unique, ByteBuffer prefix, MemorySegment request, boolean expectsReply, boolean evenIfDown) {
        State s = state;
        if (s == State.GAVE_UP && evenIfDown && expectsReply && isRelease(request)) {
            owedReleases.put(unique, new Pending(prefix, request, false, false));
            answerError(unique, Errno.EIO);
            return true;
        }
        if (s != State.UP && !(evenIfDown && s == State.DOWN)) return false;
        if (!expectsReply) {
            // INTERRUPT: lost with the link (the interrupted request is sent again, whole)
            if (s == State.UP) send(current, unique, prefix, request.asByteBuffer());
            return true;
        }
        int opcode = InHeader.opcode(request);
        Pending p = new Pending(prefix, request, opcode == Opcode.SETLK.code || opcode == Opcode.SETLKW.code,
                streams.mayWaitForPeer(request));
        pending.put(unique, p);
        if (state == State.GAVE_UP || state == State.STALE || state == State.CLOSED) {
            // the link gave up after the check: whoever removes the request answers it
            return pending.remove(unique) == null;
        }
        // read again after the put: a reconnection that resent the waiting requests before it did
        // not see this one, and then the link is up on a connection of its own
        Generation now = current;
        if (state == State.UP && p.sentOn.compareAndSet(0, now.number)) send(now, unique, p);
        return true;
    }

    /**
     * Tells the server its session may drop nodes the kernel forgot; false when this link does
     * not take it. A link waiting for its server ({@code evenIfDown}) keeps it until it is back.
     */
    boolean forget(NodeTable.Forget forget, boolean evenIfDown) {
        State s = state;
        if (s == State.UP) {
            send(current, forget);
            return true;
        }
        if (!evenIfDown || s != State.DOWN) return false;
        deferredForgets.add(forget);
        return true;
    }

    /** Forgets of a session that ended do not concern the new one: it never learnt those nodes. */
    private void send(Generation g, NodeTable.Forget forget) {
        if (g.epoch != forget.epoch()) return;
        // one that did not go out waits for the next connection: the session may still be the same
        if (!send(g, InHeader.unique(MemorySegment.ofArray(forget.request())), NO_GROUPS.duplicate(), ByteBuffer.wrap(forget.request()))) {
            deferredForgets.add(forget);
        }
    }

    /** Sends {@code p} with the server's ids; a request naming what did not survive a server restart is answered here. */
    private void send(Generation g, long unique, Pending p) {
        p.sentAt = System.nanoTime();
        if (p.mayWaitForPeer) p.interrupted = false;
        ByteBuffer[] request;
        try {
            request = nodes.toServer(p.request);
        } catch (NotServable e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: request {1} answered here: {2}", name, Long.toUnsignedString(unique), e.getMessage());
            if (pending.remove(unique, p)) answerLocally(unique, e.errno);
            return;
        }
        if (g.epoch != nodes.epoch()) {
            // a connection to a server session that is gone: the request goes again on the new one
            g.connection.close();
            return;
        }
        ByteBuffer[] payload = new ByteBuffer[request.length + 1];
        payload[0] = p.prefix.duplicate();
        System.arraycopy(request, 0, payload, 1, request.length);
        send(g, unique, payload);
    }

    private void answerLocally(long unique, int errno) {
        if (errno != 0) {
            answerError(unique, errno);
            return;
        }
        releases.answered(unique);
        try {
            LocalReply.ok(session, unique);
        } catch (RuntimeException e) {
            // the FUSE session is gone: nobody waits any more
        }
    }

    /**
     * A failed send is left to the receiver, which sees the connection fail too and sends again
     * after reconnecting; false when it failed.
     */
    private boolean send(Generation g, long unique, ByteBuffer... payload) {
        try {
            g.connection.send(FrameType.FUSE_REQUEST, g.mountId, unique, payload);
            return true;
        } catch (IOException e) {
            g.connection.close();
            return false;
        }
    }

    private void run() {
        while (true) {
            Generation g = current;
            String reason = serve(g);
            if (state == State.CLOSED) break;
            synchronized (stateLock) {
                if (state == State.CLOSED) break;
                state = State.DOWN;
                downSince = System.nanoTime();
                int thisOutage = ++outage;
                if (!recovery.hard()) TIMER.schedule(() -> giveUp(thisOutage), recovery.timeout().toNanos(), TimeUnit.NANOSECONDS);
            }
            for (Pending p : pending.values()) p.interrupted = true;
            LOG.log(System.Logger.Level.WARNING, "{0} lost: {1}; {2}", name, reason, recovery.hard()
                    ? "reconnecting, requests wait for the server (hard mount)"
                    : "reconnecting, requests fail with EIO if the server is not back within " + Deadline.describe(recovery.timeout()));
            if (!reconnect(g.number + 1)) break;
        }
    }

    /** Receives on {@code g}'s connection until it fails; returns why. */
    private String serve(Generation g) {
        Heartbeat heartbeat = recovery.heartbeat().isZero() ? null : Heartbeat.start(g.connection, recovery.heartbeat(),
                why -> LOG.log(System.Logger.Level.WARNING, "{0}: {1}", name, why));
        lastFrameAt = System.nanoTime();
        try {
            while (true) {
                Frame f = g.connection.receive();
                lastFrameAt = System.nanoTime();
                if (heartbeat != null) heartbeat.received();
                FrameHeader h = f.header();
                switch (h.type()) {
                    case FUSE_REPLY -> reply(g, h, f.payload());
                    case FUSE_NOTIFY -> notification(g, h, f.payload());
                    case NO_XATTRS -> noXattrs(g, h, f.payload());
                    case SUBMOUNTS -> submounts(g, h, f.payload());
                    case ERROR -> error(h, Failure.decode(f.payload(), FrameType.ERROR));
                    case PING -> pong(g.connection, f);
                    case PONG -> Ping.decode(f.payload(), FrameType.PONG);
                    default -> throw new ProtocolException("unexpected " + h.type() + " frame from the server");
                }
            }
        } catch (PeerClosedException e) {
            return "the server closed the connection";
        } catch (ProtocolException e) {
            return "protocol violation by the server: " + e.getMessage();
        } catch (IOException | RuntimeException e) {
            String because = closedBecause;
            if (because != null) {
                closedBecause = null;
                return because;
            }
            if (heartbeat != null && heartbeat.peerDead()) return "the server stopped answering";
            return e.getMessage() == null ? e.toString() : e.getMessage();
        } finally {
            if (heartbeat != null) heartbeat.close();
            g.connection.close();
        }
    }

    /**
     * Connects again until the server takes the session back; then sends every unanswered
     * request again. False when the link ends instead (closed, or the session is gone).
     */
    private boolean reconnect(int generation) {
        Duration pause = FIRST_RETRY;
        long attempts = 0;
        while (true) {
            if (state == State.CLOSED) return false;
            attempts++;
            Connection c = null;
            try {
                c = server.connect(FrameHeader.DEFAULT_MAX_FRAME_SIZE);
                int mountId;
                boolean xattrHints;
                Attach join = serverSession.join();
                AttachException refused = null;
                // a server that accepts but does not answer (a link still half down) must not hold the attempt for long
                try (Deadline attempt = Deadline.start(c, attemptTimeout())) {
                    try {
                        Welcome welcome = handshake.initiate(c, Service.FS);
                        xattrHints = (welcome.features() & Features.NO_XATTRS_HINTS) != 0;
                        mountId = attach(c, join, RequestRelay.ATTACH_TIMEOUT);
                    } catch (AttachException e) {
                        if (e.errno != Errno.ESTALE) throw e;
                        refused = e;
                        mountId = 0;
                        xattrHints = false;
                    } catch (IOException e) {
                        if (attempt.expired()) throw new IOException("no answer from " + server.address() + " within " + Deadline.describe(attemptTimeout()), e);
                        throw e;
                    }
                }
                if (refused != null) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: the server no longer knows this mount''s session ({1}): attaching a new one",
                            name, refused.getMessage());
                    mountId = renew(c, join);
                    xattrHints = false;
                }
                Generation g = new Generation(generation, c, mountId, xattrHints, nodes.epoch());
                synchronized (stateLock) {
                    if (state == State.CLOSED) {
                        c.close();
                        return false;
                    }
                    current = g;
                    state = State.UP;
                }
                int resent = resend(g);
                LOG.log(System.Logger.Level.WARNING, "{0} back after {1} ({2} attempts); {3} unanswered requests sent again", name,
                        Deadline.describe(Duration.ofMillis((System.nanoTime() - downSince) / 1_000_000)), attempts, resent);
                return true;
            } catch (AttachException e) {
                if (c != null) c.close();
                if (e.errno == Errno.ESTALE) {
                    stale(e.getMessage());
                    return false;
                }
                LOG.log(System.Logger.Level.WARNING, "{0}: the server refused to take the session back: {1}", name, e.getMessage());
            } catch (IOException e) {
                if (c != null) c.close();
                LOG.log(attempts == 1 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG, "{0}: reconnecting failed: {1}", name,
                        e.getMessage());
            }
            if (!sleep(pause)) return false;
            pause = pause.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : pause.multipliedBy(2);
        }
    }

    /**
     * Attaches {@code c} to a new server session: re-establishes the kernel's nodes on it, or
     * joins the one another link re-established meanwhile. Returns the mount id.
     */
    private int renew(Connection c, Attach stale) throws IOException {
        int[] mountId = {0};
        Attach other = serverSession.renew(stale, fresh -> {
            mountId[0] = attach(c, fresh, RequestRelay.ATTACH_TIMEOUT);
            return lastToken;
        }, new RenewalExchange(c, mountId));
        if (other != null) return attach(c, other, RequestRelay.ATTACH_TIMEOUT);
        NotificationQueue kernel = notifications;
        if (kernel != null) nodes.staleCaches().forEach(kernel::add);
        return mountId[0];
    }

    /** Requests of the re-establishment, one at a time on a connection whose receiver has not started. */
    private final class RenewalExchange implements NodeTable.Exchange {
        private final Connection connection;
        private final int[] mountId;

        RenewalExchange(Connection connection, int[] mountId) {
            this.connection = connection;
            this.mountId = mountId;
        }

        @Override
        public void send(ByteBuffer prefix, byte[] request) throws IOException {
            connection.send(FrameType.FUSE_REQUEST, mountId[0], InHeader.unique(MemorySegment.ofArray(request)), prefix.duplicate(),
                    ByteBuffer.wrap(request));
        }

        @Override
        public MemorySegment call(ByteBuffer prefix, byte[] request) throws IOException {
            long unique = InHeader.unique(MemorySegment.ofArray(request));
            try (Deadline deadline = Deadline.start(connection, attemptTimeout())) {
                try {
                    send(prefix, request);
                    while (true) {
                        Frame f = connection.receive();
                        switch (f.header().type()) {
                            case FUSE_REPLY -> {
                                FuseFrames.checkReply(f.payload(), FrameType.FUSE_REPLY);
                                if (FuseFrames.replyUnique(f.payload()) == unique) return copy(f.payload());
                            }
                            case ERROR -> {
                                Failure failure = Failure.decode(f.payload(), FrameType.ERROR);
                                if (f.header().requestId() == unique) return errorReply(unique, failure.errno());
                            }
                            // about the new session, which the kernel does not know yet
                            case FUSE_NOTIFY, NO_XATTRS, PONG -> { }
                            case SUBMOUNTS -> submounts(f.payload());
                            case PING -> pong(connection, f);
                            default -> throw new ProtocolException("unexpected " + f.header().type() + " frame from the server");
                        }
                    }
                } catch (IOException e) {
                    if (deadline.expired()) throw new IOException("no answer from " + server.address() + " within " + Deadline.describe(attemptTimeout()), e);
                    throw e;
                }
            }
        }

        private static MemorySegment copy(ByteBuffer payload) {
            byte[] bytes = new byte[payload.remaining()];
            payload.duplicate().get(bytes);
            return MemorySegment.ofArray(bytes);
        }

        private static MemorySegment errorReply(long unique, int errno) {
            MemorySegment m = MemorySegment.ofArray(new byte[OutHeader.SIZE]);
            OutHeader.write(m, OutHeader.SIZE, -errno, unique);
            return m;
        }
    }

    private static boolean sleep(Duration pause) {
        try {
            Thread.sleep(pause);
            return true;
        } catch (InterruptedException e) {
            return false; // closed
        }
    }

    private static boolean isRelease(MemorySegment request) {
        int opcode = InHeader.opcode(request);
        return opcode == Opcode.RELEASE.code || opcode == Opcode.RELEASEDIR.code;
    }

    private void oweIfRelease(long unique, Pending p) {
        if (isRelease(MemorySegment.ofArray(p.request))) owedReleases.put(unique, p);
    }

    /**
     * Sends every request the server has not answered on {@code g}, in the order the kernel
     * sent them, and the releases owed to it (their replies find nobody waiting and are dropped).
     */
    private int resend(Generation g) {
        for (Long unique : owedReleases.keySet()) {
            Pending owed = owedReleases.remove(unique);
            if (owed != null) send(g, unique, owed);
        }
        List<Long> uniques = new ArrayList<>(pending.keySet());
        uniques.sort(Long::compareUnsigned);
        int n = 0;
        List<NodeTable.Forget> forgets = new ArrayList<>();
        for (NodeTable.Forget f; (f = deferredForgets.poll()) != null; ) forgets.add(f);
        forgets.forEach(f -> send(g, f));
        for (long unique : uniques) {
            Pending p = pending.get(unique);
            if (p == null) continue;
            int was = p.sentOn.get();
            if (was < g.number && p.sentOn.compareAndSet(was, g.number)) {
                send(g, unique, p);
                n++;
            }
        }
        return n;
    }

    private void noXattrs(Generation g, FrameHeader h, ByteBuffer payload) throws ProtocolException {
        checkChannel(g, h);
        if (!g.xattrHints) throw new ProtocolException("NO_XATTRS frame, but that feature was not agreed");
        xattrs.learned(nodes.nodesToKernel(NoXattrs.decode(payload).nodeIds()));
    }

    private void submounts(Generation g, FrameHeader h, ByteBuffer payload) throws ProtocolException {
        checkChannel(g, h);
        submounts(payload);
    }

    /** Hands the server's list of mount points to the listener; paths, not ids: the same for every session. */
    private void submounts(ByteBuffer payload) throws ProtocolException {
        Consumer<List<String>> listener = submounts;
        if (listener == null || (handshake.features() & Features.SUBMOUNTS) == 0)
            throw new ProtocolException("SUBMOUNTS frame, but that feature was not agreed");
        listener.accept(Submounts.decode(payload).paths());
    }

    /** Soft mount: the server has been away too long; what waits fails, and so does what comes until it is back. */
    private void giveUp(int which) {
        synchronized (stateLock) {
            if (state != State.DOWN || outage != which) return;
            state = State.GAVE_UP;
        }
        LOG.log(System.Logger.Level.WARNING, "{0}: the server has been unreachable for {1} (soft mount): requests fail with EIO until it is back",
                name, Deadline.describe(recovery.timeout()));
        failAll(Errno.EIO);
    }

    private void stale(String reason) {
        synchronized (stateLock) {
            if (state == State.CLOSED) return;
            state = State.STALE;
        }
        LOG.log(System.Logger.Level.ERROR, "{0}: the server no longer knows this mount ({1}); every request fails with EIO: "
                + "unmount and mount again", name, reason);
        failAll(Errno.EIO);
    }

    private void failAll(int errno) {
        for (Long unique : pending.keySet()) {
            Pending p = pending.remove(unique);
            if (p != null && errno == Errno.EIO && state == State.GAVE_UP) oweIfRelease(unique, p);
            if (p != null && session != null) {
                releases.answered(unique);
                try {
                    session.replyError(unique, errno);
                } catch (RuntimeException e) {
                    return; // the FUSE session is gone: nobody waits any more
                }
            }
        }
    }

    private void checkChannel(Generation g, FrameHeader h) throws ProtocolException {
        if (h.channel() != g.mountId) throw new ProtocolException(h.type() + " for mount " + h.channel() + ", but this mount is " + g.mountId);
    }

    private void reply(Generation g, FrameHeader h, ByteBuffer payload) throws ProtocolException {
        checkChannel(g, h);
        FuseFrames.checkReply(payload, FrameType.FUSE_REPLY);
        long unique = FuseFrames.replyUnique(payload);
        Pending p = pending.remove(unique);
        if (p == null) {
            // already failed locally (e.g. the reply raced a soft time-out): the kernel no longer waits for it
            LOG.log(System.Logger.Level.DEBUG, "{0}: reply to request {1} that is not pending; dropped", name, Long.toUnsignedString(unique));
            return;
        }
        nodes.toKernel(p.request, p.prefix, payload);
        releases.answered(unique);
        streams.answered(p.request, payload);
        if (p.takesLock) notifications.add(payload);
        else session.reply(MemorySegment.ofBuffer(payload));
    }

    private void notification(Generation g, FrameHeader h, ByteBuffer payload) throws ProtocolException {
        checkChannel(g, h);
        FuseFrames.checkReply(payload, FrameType.FUSE_NOTIFY);
        if (FuseFrames.replyUnique(payload) != 0) throw new ProtocolException("FUSE_NOTIFY with a non-zero unique");
        if (nodes.notificationToKernel(payload)) {
            xattrs.notified(MemorySegment.ofBuffer(payload));
            notifications.add(payload);
        }
    }

    private void error(FrameHeader h, Failure failure) {
        LOG.log(System.Logger.Level.WARNING, "{0}: server could not serve request {1}: {2}", name, Long.toUnsignedString(h.requestId()),
                failure.reason());
        if (pending.remove(h.requestId()) != null) {
            releases.answered(h.requestId());
            session.replyError(h.requestId(), failure.errno());
        }
    }

    private static void pong(Connection connection, Frame ping) throws IOException {
        connection.send(FrameType.PONG, 0, ping.header().requestId(), Ping.decode(ping.payload(), FrameType.PING).encode());
    }

    /** Closes the connection on purpose (unmount); requests still waiting fail with EIO. */
    void close() {
        synchronized (stateLock) {
            if (state == State.CLOSED) return;
            state = State.CLOSED;
        }
        current.connection.close();
        if (sweeper != null) sweeper.cancel(false);
        Thread t = receiver;
        if (t != null) t.interrupt();
        failAll(Errno.EIO);
    }

    @Override
    public String toString() {
        return name;
    }
}
