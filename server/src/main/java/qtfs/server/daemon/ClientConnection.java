package qtfs.server.daemon;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

import qtfs.fuse.proto.Opcode;
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
import qtfs.wire.FuseFrames;
import qtfs.wire.Hello;
import qtfs.wire.ProtocolException;
import qtfs.wire.Service;

/**
 * qtfsd's end of one client connection, run by its own reader thread: handshake, ATTACH,
 * then every FUSE request handed to the workers. Anything the peer gets wrong ends this
 * connection only, with the reason logged.
 */
final class ClientConnection implements Runnable {
    private static final System.Logger LOG = System.getLogger(ClientConnection.class.getName());
    /** A connection must attach this soon after connecting, or it is closed. */
    static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(30);
    /** Requests of one connection being served at once; beyond that the reader stops reading. */
    static final int MAX_IN_FLIGHT = 256;
    private static final int SIZEOF_INTERRUPT_IN = 8;

    private final long id;
    private final Incoming incoming;
    /** Set by the reader thread once the transport established the connection (TLS handshake, peer checks). */
    private Connection connection;
    private final Qtfsd daemon;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private MountSession session;
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
            LOG.log(System.Logger.Level.INFO, "{0}: client ''{1}'', authenticated as {2}", name(), Handshake.printable(hello.identity()),
                    connection.identity());
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
            incoming.close();
            if (session != null) session.leave();
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
            MountSession s = daemon.sessions().attach(request);
            session = s;
            connection.send(FrameType.ATTACHED, s.mountId, requestId, new Attached(s.token).encode());
            LOG.log(System.Logger.Level.INFO, "{0} attached to {1} ({2})", name(), s, request.token() == 0 ? "new session" : "joined");
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
        inFlight.acquire();
        RequestBuffers.Lease buffer;
        try {
            buffer = daemon.requestBuffers().take(request.remaining());
        } catch (InterruptedException | RuntimeException e) {
            inFlight.release();
            throw e;
        }
        MemorySegment.copy(MemorySegment.ofBuffer(request), 0, buffer.request(), 0, request.remaining());
        boolean lockWait = opcode == Opcode.SETLKW.code;
        session.begin(unique, lockWait);
        FsRequest job = new FsRequest(session, connection, h.requestId(), unique, lockWait, groups, buffer, daemon.requestBuffers(), inFlight);
        try {
            (lockWait ? daemon.lockWaiters() : daemon.workers()).execute(job);
        } catch (RejectedExecutionException e) {
            job.rejectWith(lockWait ? Errno.ENOLCK : Errno.EIO);
        }
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
