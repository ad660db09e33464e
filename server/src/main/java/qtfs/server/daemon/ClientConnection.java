package qtfs.server.daemon;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.OutHeader;
import qtfs.sys.Errno;
import qtfs.transport.Connection;
import qtfs.transport.Deadline;
import qtfs.transport.Frame;
import qtfs.transport.Handshake;
import qtfs.transport.HandshakeException;
import qtfs.transport.Heartbeat;
import qtfs.transport.Incoming;
import qtfs.transport.PeerClosedException;
import qtfs.wire.Attach;
import qtfs.wire.Attached;
import qtfs.wire.Failure;
import qtfs.wire.FrameHeader;
import qtfs.wire.FrameType;
import qtfs.server.fs.FileSystemSession;
import qtfs.server.fs.XattrHints;
import qtfs.wire.Features;
import qtfs.wire.FuseFrames;
import qtfs.wire.NoXattrs;
import qtfs.wire.Hello;
import qtfs.wire.ProtocolException;
import qtfs.wire.Service;
import qtfs.wire.Submounts;

/**
 * qtfsd's end of one client connection, run by its own reader thread: handshake, ATTACH,
 * then every FUSE request handed to the workers. Anything the peer gets wrong ends this
 * connection only, with the reason logged.
 */
final class ClientConnection implements Runnable {
    private static final System.Logger LOG = System.getLogger(ClientConnection.class.getName());
    /** A connection must attach this soon after connecting, or it is closed. */
    static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(30);
    private static final int SIZEOF_INTERRUPT_IN = 8;
    /** Opcodes whose success adds a handle to the session: counted against its open-files limit. */
    private static final Set<Integer> OPENS_HANDLE = Set.of(Opcode.OPEN.code, Opcode.CREATE.code, Opcode.OPENDIR.code, Opcode.TMPFILE.code);

    private final long id;
    private final Incoming incoming;
    /** Set by the reader thread once the transport established the connection (TLS handshake, peer checks). */
    private Connection connection;
    private final Qtfsd daemon;
    /** Requests in flight and the memory they hold; set once the client said who it is. */
    private ConnectionBudget budget;
    /** "connection #3 (peer), client 'dpu1'", for log lines about limits. */
    private String client;
    private volatile MountSession session;
    /** Why the daemon closed this connection itself, if it did. */
    private volatile String closedBecause;
    /** Reply buffer for the requests this reader serves itself; allocated with the first one. */
    private MemorySegment inlineReply;
    /** Whether the client takes NO_XATTRS frames (agreed in the handshake). */
    private boolean xattrHintsAgreed;
    /** Whether the client takes SUBMOUNTS frames, and the list it was sent last. */
    private boolean submountsAgreed;
    private List<String> submountsSent;
    /** Whether the client takes FIFOs as stream files (agreed in the handshake). */
    private boolean fifoStreamsAgreed;
    private final XattrHints inlineHints = new XattrHints();
    private volatile Thread thread;
    private volatile Heartbeat heartbeat;

    ClientConnection(long id, Incoming incoming, Qtfsd daemon) {
        this.id = id;
        this.incoming = incoming;
        this.daemon = daemon;
    }

    /** "connection #3 (unix:/run/qtfs/qtfsd.sock (uid 0 gid 0 pid 42))", for log lines. */
    String name() {
        return "connection #" + id + " (" + (connection != null ? connection.peer() : incoming.peer()) + ")";
    }

    void start() {
        thread = Thread.ofPlatform().name("qtfsd-conn-" + id).daemon().unstarted(this);
        thread.start();
    }

    Thread thread() {
        return thread;
    }

    @Override
    public void run() {
        String reason = "closed by the server";
        System.Logger.Level level = System.Logger.Level.INFO;
        try {
            connection = incoming.establish();
            Hello hello = daemon.handshake().accept(connection, Set.of(Service.FS));
            xattrHintsAgreed = (hello.features() & daemon.handshake().features() & Features.NO_XATTRS_HINTS) != 0;
            submountsAgreed = (hello.features() & daemon.handshake().features() & Features.SUBMOUNTS) != 0;
            fifoStreamsAgreed = (hello.features() & daemon.handshake().features() & Features.FIFO_STREAMS) != 0;
            LOG.log(System.Logger.Level.INFO, "{0}: client ''{1}'', authenticated as {2}", name(), Handshake.printable(hello.identity()),
                    connection.identity());
            client = name() + ", client '" + Handshake.printable(hello.identity()) + "'";
            budget = new ConnectionBudget(daemon.limits(), client);
            awaitAttach();
            serve();
        } catch (PeerClosedException e) {
            reason = "the client closed it";
        } catch (HandshakeException e) {
            reason = "handshake failed";
        } catch (ProtocolException e) {
            reason = "protocol violation: " + e.getMessage();
            level = System.Logger.Level.WARNING;
        } catch (IOException e) {
            if (!daemon.isClosing()) reason = e.getMessage() == null ? e.toString() : e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Heartbeat h = heartbeat;
            if (h != null) {
                h.close();
                if (h.peerDead()) {
                    reason = "the client stopped answering";
                    level = System.Logger.Level.WARNING;
                }
            }
            if (closedBecause != null) {
                reason = closedBecause;
                level = System.Logger.Level.WARNING;
            }
            incoming.close();
            if (session != null) session.leave(connection);
            daemon.connectionEnded(this);
            LOG.log(level, "{0} closed: {1}", name(), reason);
        }
    }

    /** Before ATTACH only PING and ATTACH are allowed; a refused ATTACH may be retried. */
    private void awaitAttach() throws IOException {
        try (Deadline deadline = Deadline.start(connection, ATTACH_TIMEOUT)) {
            while (session == null) {
                Frame f;
                try {
                    f = connection.receive();
                } catch (IOException e) {
                    if (deadline.expired()) throw new IOException("no ATTACH within " + Deadline.describe(ATTACH_TIMEOUT), e);
                    throw e;
                }
                FrameHeader h = f.header();
                switch (h.type()) {
                    case ATTACH -> {
                        connectionLevel(h);
                        attach(h.requestId(), Attach.decode(f.payload()));
                    }
                    case PING -> pong(f);
                    default -> throw new ProtocolException("expected ATTACH or PING before attaching, got " + h.type());
                }
            }
        }
    }

    private void attach(long requestId, Attach request) throws IOException {
        try {
            MountSession s = daemon.sessions().attach(request, fifoStreamsAgreed);
            session = s;
            connection.send(FrameType.ATTACHED, s.mountId, requestId, new Attached(s.token).encode());
            s.attached(connection);
            LOG.log(System.Logger.Level.INFO, "{0} attached to {1} ({2})", name(), s, request.token() == 0 ? "new session" : "joined");
            mountTableChanged(daemon.mountTable());
        } catch (AttachRefusedException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: attach refused: {1}", name(), e.getMessage());
            connection.send(FrameType.ERROR, 0, requestId, new Failure(e.errno, e.getMessage()).encode());
        }
    }

    private void serve() throws IOException, InterruptedException {
        Duration interval = daemon.liveness().heartbeat();
        Heartbeat watch = interval.isZero() ? null : Heartbeat.start(connection, interval,
                reason -> LOG.log(System.Logger.Level.WARNING, "{0}: {1}; closing it", name(), reason));
        heartbeat = watch;
        while (true) {
            Frame f = connection.receive();
            if (watch != null) watch.received();
            FrameHeader h = f.header();
            switch (h.type()) {
                case FUSE_REQUEST -> fuseRequest(h, f.payload());
                case PING -> pong(f);
                case PONG -> {
                    connectionLevel(h);
                    qtfs.wire.Ping.decode(f.payload(), FrameType.PONG);
                }
                case ATTACH -> {
                    connectionLevel(h);
                    connection.send(FrameType.ERROR, 0, h.requestId(),
                            new Failure(Errno.EISCONN, "this connection is already attached to " + session).encode());
                }
                default -> throw new ProtocolException("unexpected " + h.type() + " frame from a client");
            }
        }
    }

    private static void connectionLevel(FrameHeader h) throws ProtocolException {
        if (h.channel() != 0) throw new ProtocolException(h.type() + " frame on channel " + h.channel() + " (connection-level frames use channel 0)");
    }

    private void pong(Frame ping) throws IOException {
        connectionLevel(ping.header());
        qtfs.wire.Ping p = qtfs.wire.Ping.decode(ping.payload(), FrameType.PING);
        connection.send(FrameType.PONG, 0, ping.header().requestId(), p.encode());
    }

    private void fuseRequest(FrameHeader h, ByteBuffer payload) throws IOException, InterruptedException {
        if (h.channel() != session.mountId) {
            throw new ProtocolException("FUSE_REQUEST for mount " + h.channel() + ", but this connection is attached to mount " + session.mountId);
        }
        int[] groups = FuseFrames.readRequestGroups(payload);
        int prefix = FuseFrames.prefixSize(groups.length);
        ByteBuffer request = payload.slice(prefix, payload.remaining() - prefix).order(ByteOrder.LITTLE_ENDIAN);
        int opcode = request.getInt(4);
        long unique = request.getLong(8);
        if (opcode == Opcode.INTERRUPT.code) {
            // served here, not queued: it must reach a request that may be waiting in a worker
            if (request.remaining() < FuseFrames.IN_HEADER_SIZE + SIZEOF_INTERRUPT_IN) {
                throw new ProtocolException("INTERRUPT request of " + request.remaining() + " bytes has no fuse_interrupt_in");
            }
            session.fs.interrupt(request.getLong(FuseFrames.IN_HEADER_SIZE));
            return;
        }
        MemorySegment message = MemorySegment.ofBuffer(request);
        boolean opensHandle = OPENS_HANDLE.contains(opcode);
        if (opensHandle && !session.handleQuota.reserve(daemon.limits().openFiles(), session.fs.openHandleCount(), client + ", " + session)) {
            refuse(h.requestId(), unique, Errno.EMFILE);
            return;
        }
        // a FIFO request may wait for the other end for good: never on the reader, nor on a worker
        boolean peerWait = session.fs.waitsForPeer(message);
        boolean handedOver = false;
        try {
            boolean here = !peerWait && (InlineRequests.servedByReader(message, session.fs)
                    // a write to the disk with nothing else to serve: waiting here costs less than waking a worker
                    || opcode == Opcode.WRITE.code && session.fs.writesToDisk(message) && idle());
            if (here && servedHere(h.requestId(), unique, message, groups)) return;
            handOver(h, opcode, unique, request, groups, opensHandle, peerWait);
            handedOver = true;
        } finally {
            if (opensHandle && !handedOver) session.handleQuota.settled();
        }
    }

    /** Answers a request at once with an error, on the reader's thread. */
    private void refuse(long requestId, long unique, int errno) throws IOException {
        ByteBuffer reply = ByteBuffer.allocate(OutHeader.SIZE);
        OutHeader.write(MemorySegment.ofBuffer(reply), OutHeader.SIZE, -errno, unique);
        connection.send(FrameType.FUSE_REPLY, session.mountId, requestId, reply);
    }

    /** Gives the request to a worker (a lock waiter for SETLKW, a FIFO waiter), within the connection's budget. */
    private void handOver(FrameHeader h, int opcode, long unique, ByteBuffer request, int[] groups, boolean opensHandle,
                          boolean peerWait) throws InterruptedException {
        long footprint = daemon.requestBuffers().footprint(request.remaining());
        budget.acquire(footprint);
        RequestBuffers.Lease buffer;
        try {
            buffer = daemon.requestBuffers().take(request.remaining());
        } catch (InterruptedException | RuntimeException e) {
            budget.release(footprint);
            throw e;
        }
        MemorySegment.copy(MemorySegment.ofBuffer(request), 0, buffer.request(), 0, request.remaining());
        boolean lockWait = opcode == Opcode.SETLKW.code;
        session.begin(unique, lockWait || peerWait);
        FsRequest job = new FsRequest(session, connection, h.requestId(), unique, lockWait || peerWait, groups, buffer,
                daemon.requestBuffers(), () -> budget.release(footprint), xattrHintsAgreed, opensHandle);
        try {
            (lockWait ? daemon.lockWaiters() : peerWait ? daemon.fifoWaiters() : daemon.workers()).execute(job);
        } catch (RejectedExecutionException e) {
            if (peerWait) LOG.log(System.Logger.Level.WARNING, "{0}: {1} FIFO requests are waiting already (the most qtfsd serves "
                    + "at once); answered EAGAIN", name(), Qtfsd.MAX_FIFO_WAITERS);
            job.rejectWith(lockWait ? Errno.ENOLCK : peerWait ? Errno.EAGAIN : Errno.EIO);
        }
    }

    /**
     * Serves a request on this reader thread, straight from the receive buffer; false when it
     * would have to wait for the disk (a read of uncached data), for a worker to serve it. The
     * session cannot end meanwhile: this connection is still attached to it.
     */
    private boolean servedHere(long requestId, long unique, MemorySegment request, int[] groups)
            throws IOException, InterruptedException {
        if (inlineReply == null) inlineReply = Arena.ofAuto().allocate(InlineRequests.REPLY_CAPACITY, 8);
        // a request resent after a reconnection must not run twice: answered as the first time
        boolean once = ReplyCache.covers(InHeader.opcode(request));
        if (once) {
            byte[] earlier = session.replies.claim(unique);
            if (earlier != null) {
                LOG.log(System.Logger.Level.DEBUG, "request {0} of {1} resent: answered as the first time",
                        Long.toUnsignedString(unique), session);
                connection.send(FrameType.FUSE_REPLY, session.mountId, requestId, ByteBuffer.wrap(earlier));
                return true;
            }
        }
        int length = 0;
        try {
            XattrHints hints = xattrHintsAgreed ? inlineHints : null;
            length = session.fs.handleWithoutWaiting(request, groups, inlineReply, this::notifyClient, hints);
            if (length == FileSystemSession.WOULD_WAIT) {
                if (!idle()) return false;
                // a read from the disk with nothing else to serve: waiting here costs less than waking a worker
                length = session.fs.handle(request, groups, inlineReply, this::notifyClient, hints);
            }
            if (length < 0 || length > inlineReply.byteSize()) throw new IllegalStateException("reply length " + length + " out of range");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "request " + Long.toUnsignedString(unique) + " of " + session + " failed", e);
            OutHeader.write(inlineReply, OutHeader.SIZE, -Errno.EIO, unique);
            length = OutHeader.SIZE;
        } finally {
            // WOULD_WAIT keeps nothing: the worker that takes the request claims it again
            if (once) session.replies.complete(unique, length > 0 ? inlineReply.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE) : null);
        }
        if (length == 0) return true;
        if (xattrHintsAgreed) sendHints(connection, session.mountId, requestId, inlineHints);
        connection.send(FrameType.FUSE_REPLY, session.mountId, requestId, inlineReply.asSlice(0, length).asByteBuffer());
        return true;
    }

    /**
     * Tells the client which mount points lie below its export now, if that changed since it
     * was last told; its kernel first forgets the names where mounts came or went.
     */
    synchronized void mountTableChanged(String table) {
        MountSession s = session;
        if (!submountsAgreed || s == null) return;
        List<String> below = MountWatcher.below(s.fs.exportPath(), table);
        List<String> now = below.size() > Submounts.MAX_PATHS ? below.subList(0, Submounts.MAX_PATHS) : below;
        List<String> before = submountsSent == null ? List.of() : submountsSent;
        if (now.equals(submountsSent)) return;
        List<String> changed = new ArrayList<>(now);
        changed.removeAll(before);
        before.stream().filter(p -> !now.contains(p)).forEach(changed::add);
        s.fs.forgetNames(changed, this::notifyClient);
        try {
            connection.send(FrameType.SUBMOUNTS, s.mountId, 0, new Submounts(now).encode());
            submountsSent = List.copyOf(now);
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.DEBUG, "mount list for {0} not sent: {1}", name(), e.getMessage());
        }
    }

    /**
     * Whether this connection has nothing but the request in hand to serve: no request with
     * the workers, and no further frame received. Only then may its reader wait for a disk
     * (a read of uncached data, a write that the kernel may throttle),
     * since a frame that arrives meanwhile waits for one read at most.
     */
    private boolean idle() {
        return budget.isIdle() && !connection.hasReceivedMore();
    }

    /** Sent before the reply, on this connection, so that the client applies it first. */
    private void notifyClient(MemorySegment notification) {
        try {
            connection.send(FrameType.FUSE_NOTIFY, session.mountId, 0, notification.asByteBuffer());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "notification to {0} dropped: {1}", connection.peer(), e.getMessage());
        }
    }

    /** Tells the client, before the reply, which nodes the request found without extended attributes. */
    static void sendHints(Connection connection, int mountId, long requestId, XattrHints hints) throws IOException {
        if (hints.count() == 0) return;
        // a reply holds far fewer entries than a frame can name; beyond that a hint is merely lost
        int n = Math.min(hints.count(), NoXattrs.MAX_NODES);
        connection.send(FrameType.NO_XATTRS, mountId, requestId, NoXattrs.encode(hints.nodes(), n));
    }

    /**
     * Closes the connection when a frame has waited more than {@code timeoutNanos} for the
     * client to take it: a client that stops reading would otherwise hold the reader and every
     * worker that answers it blocked for good.
     */
    void closeIfStalled(long now, long timeoutNanos) {
        long stalled = connection.sendStalledNanos(now);
        if (stalled <= timeoutNanos || closedBecause != null) return;
        closedBecause = "the client has not taken a reply for " + TimeUnit.NANOSECONDS.toSeconds(stalled) + " s (it stopped reading)";
        close();
    }

    /**
     * Ends the connection from outside (shutdown). The reader is interrupted too: it may be
     * waiting for a free request slot rather than reading the socket.
     */
    void close() {
        incoming.close();
        Thread reader = thread;
        if (reader != null) reader.interrupt();
    }
}
