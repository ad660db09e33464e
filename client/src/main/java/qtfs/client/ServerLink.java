package qtfs.client;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import qtfs.fuse.FuseSession;
import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.Opcode;
import qtfs.sys.Errno;
import qtfs.transport.Connection;
import qtfs.transport.Connector;
import qtfs.transport.Deadline;
import qtfs.transport.Frame;
import qtfs.transport.Handshake;
import qtfs.transport.PeerClosedException;
import qtfs.wire.Attach;
import qtfs.wire.Attached;
import qtfs.wire.Failure;
import qtfs.wire.FrameHeader;
import qtfs.wire.FrameType;
import qtfs.wire.FuseFrames;
import qtfs.wire.Ping;
import qtfs.wire.ProtocolException;
import qtfs.wire.Service;

/**
 * One connection of a mount to qtfsd. Requests go out from the FUSE threads; a receiver
 * thread writes each reply straight to the kernel. When the connection drops, the requests
 * it carried fail with EIO and it takes no more; the mount goes on over its other links.
 * A link is the unit a reconnection would re-establish.
 */
final class ServerLink {
    private static final System.Logger LOG = System.getLogger(ServerLink.class.getName());
    private static final long ATTACH_REQUEST_ID = 1;

    private final String name;
    private final Connection connection;
    /** Uniques of the requests sent here and not answered yet. */
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    /** Those that take a lock: their replies follow the notifications sent before them (see {@link NotificationQueue}). */
    private final Set<Long> lockRequests = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean up = new AtomicBoolean(true);
    private volatile boolean closing;
    private volatile int mountId;
    private FuseSession session;
    private ReleaseOrder releases;
    private NotificationQueue notifications;

    private ServerLink(String name, Connection connection) {
        this.name = name;
        this.connection = connection;
    }

    /** Connects and shakes hands; the error names the address and the reason. */
    static ServerLink open(int index, Connector server, Handshake handshake) throws IOException {
        Connection c = server.connect(FrameHeader.DEFAULT_MAX_FRAME_SIZE);
        try {
            handshake.initiate(c, Service.FS);
        } catch (IOException e) {
            c.close();
            throw e;
        }
        return new ServerLink("connection " + index + " to " + server.address(), c);
    }

    /** Attaches to the session {@code request} names (token 0: a new one) and returns its token. */
    long attach(Attach request, Duration timeout) throws IOException {
        try (Deadline deadline = Deadline.start(connection, timeout)) {
            try {
                connection.send(FrameType.ATTACH, 0, ATTACH_REQUEST_ID, request.encode());
                while (true) {
                    Frame f = connection.receive();
                    switch (f.header().type()) {
                        case ATTACHED -> {
                            if (f.header().channel() == 0) throw new ProtocolException("ATTACHED with mount id 0");
                            mountId = f.header().channel();
                            return Attached.decode(f.payload()).token();
                        }
                        case ERROR -> {
                            Failure failure = Failure.decode(f.payload(), FrameType.ERROR);
                            throw new AttachException(failure.reason(), failure.errno());
                        }
                        case PING -> pong(f);
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
     * Starts the receiver thread that hands replies to {@code fuse} and tells {@code releases} of
     * each; notifications, and the replies that must follow them, go through {@code notifications}.
     */
    void startReceiving(FuseSession fuse, int index, ReleaseOrder releases, NotificationQueue notifications) {
        this.session = fuse;
        this.releases = releases;
        this.notifications = notifications;
        Thread.ofPlatform().name("qtfs-link-" + index).daemon().start(this::receive);
    }

    boolean isUp() {
        return up.get();
    }

    /**
     * Sends one FUSE request. Returns false when this link cannot carry it (it is down, or went
     * down now without the server having seen the request): the caller tries another link.
     */
    boolean forward(long unique, ByteBuffer prefix, MemorySegment request, boolean expectsReply) {
        if (!up.get()) return false;
        if (expectsReply) {
            int opcode = InHeader.opcode(request);
            if (opcode == Opcode.SETLK.code || opcode == Opcode.SETLKW.code) lockRequests.add(unique);
            inFlight.add(unique);
            // went down after the check: whoever removes the unique answers for it
            if (!up.get()) {
                boolean takenBack = inFlight.remove(unique);
                if (takenBack) lockRequests.remove(unique);
                return !takenBack;
            }
        }
        try {
            connection.send(FrameType.FUSE_REQUEST, mountId, unique, prefix, request.asByteBuffer());
            return true;
        } catch (IOException e) {
            // a frame is written whole or the server drops the connection on the partial frame:
            // either way it never ran the request, so another link may carry it
            boolean takenBack = !expectsReply || inFlight.remove(unique);
            if (takenBack) lockRequests.remove(unique);
            down(e.getMessage());
            return !takenBack;
        }
    }

    private void receive() {
        String reason;
        try {
            while (true) {
                Frame f = connection.receive();
                FrameHeader h = f.header();
                switch (h.type()) {
                    case FUSE_REPLY -> reply(h, f.payload());
                    case FUSE_NOTIFY -> notification(h, f.payload());
                    case ERROR -> error(h, Failure.decode(f.payload(), FrameType.ERROR));
                    case PING -> pong(f);
                    case PONG -> Ping.decode(f.payload(), FrameType.PONG);
                    default -> throw new ProtocolException("unexpected " + h.type() + " frame from the server");
                }
            }
        } catch (PeerClosedException e) {
            reason = "the server closed the connection";
        } catch (ProtocolException e) {
            reason = "protocol violation by the server: " + e.getMessage();
        } catch (IOException | RuntimeException e) {
            reason = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        down(reason);
    }

    private void checkChannel(FrameHeader h) throws ProtocolException {
        if (h.channel() != mountId) throw new ProtocolException(h.type() + " for mount " + h.channel() + ", but this mount is " + mountId);
    }

    private void reply(FrameHeader h, ByteBuffer payload) throws ProtocolException {
        checkChannel(h);
        FuseFrames.checkReply(payload, FrameType.FUSE_REPLY);
        long unique = FuseFrames.replyUnique(payload);
        if (!inFlight.remove(unique)) {
            // already failed locally (e.g. the reply raced a link failure): the kernel no longer waits for it
            LOG.log(System.Logger.Level.DEBUG, "{0}: reply to request {1} that is not pending; dropped", name, Long.toUnsignedString(unique));
            return;
        }
        releases.answered(unique);
        if (lockRequests.remove(unique)) notifications.add(payload);
        else session.reply(MemorySegment.ofBuffer(payload));
    }

    private void notification(FrameHeader h, ByteBuffer payload) throws ProtocolException {
        checkChannel(h);
        FuseFrames.checkReply(payload, FrameType.FUSE_NOTIFY);
        if (FuseFrames.replyUnique(payload) != 0) throw new ProtocolException("FUSE_NOTIFY with a non-zero unique");
        notifications.add(payload);
    }

    private void error(FrameHeader h, Failure failure) {
        LOG.log(System.Logger.Level.WARNING, "{0}: server could not serve request {1}: {2}", name, Long.toUnsignedString(h.requestId()),
                failure.reason());
        if (inFlight.remove(h.requestId())) {
            lockRequests.remove(h.requestId());
            releases.answered(h.requestId());
            session.replyError(h.requestId(), failure.errno());
        }
    }

    private void pong(Frame ping) throws IOException {
        connection.send(FrameType.PONG, 0, ping.header().requestId(), Ping.decode(ping.payload(), FrameType.PING).encode());
    }

    /** Marks the link down once: no more requests; those still waiting fail with EIO. */
    private void down(String reason) {
        if (!up.compareAndSet(true, false)) return;
        connection.close();
        if (!closing) LOG.log(System.Logger.Level.WARNING, "{0} lost: {1}; its pending requests fail with EIO", name, reason);
        for (Long unique : inFlight) {
            if (inFlight.remove(unique) && session != null) {
                lockRequests.remove(unique);
                releases.answered(unique);
                try {
                    session.replyError(unique, Errno.EIO);
                } catch (RuntimeException e) {
                    return; // the FUSE session is gone: nobody waits any more
                }
            }
        }
    }

    /** Closes the connection on purpose (unmount). */
    void close() {
        closing = true;
        down("closed");
    }

    @Override
    public String toString() {
        return name;
    }
}
