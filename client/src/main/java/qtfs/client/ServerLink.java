package qtfs.client;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import qtfs.fuse.FuseSession;
import qtfs.sys.Errno;
import qtfs.transport.Address;
import qtfs.transport.Connection;
import qtfs.transport.Connector;
import qtfs.transport.Deadline;
import qtfs.transport.Frame;
import qtfs.transport.Handshake;
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
import qtfs.wire.Welcome;

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
    private final AtomicBoolean up = new AtomicBoolean(true);
    private volatile boolean closing;
    private volatile int mountId;
    /** Whether the server may send NO_XATTRS (agreed in the handshake). */
    private final boolean xattrHintsAgreed;
    private FuseSession session;
    private XattrAbsence xattrs;

    private ServerLink(String name, Connection connection, boolean xattrHintsAgreed) {
        this.name = name;
        this.connection = connection;
        this.xattrHintsAgreed = xattrHintsAgreed;
    }

    /** Connects and shakes hands; the error names the address and the reason. */
    static ServerLink open(int index, Address server, Handshake handshake) throws IOException {
        Connection c = Connector.connect(server, FrameHeader.DEFAULT_MAX_FRAME_SIZE);
        Welcome welcome;
        try {
            welcome = handshake.initiate(c, Service.FS);
        } catch (IOException e) {
            c.close();
            throw e;
        }
        return new ServerLink("connection " + index + " to " + server, c, (welcome.features() & Features.NO_XATTRS_HINTS) != 0);
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

    /** Starts the receiver thread that hands replies to {@code fuse} and hints to {@code xattrs}. */
    void startReceiving(FuseSession fuse, int index, XattrAbsence xattrs) {
        this.session = fuse;
        this.xattrs = xattrs;
        Thread.ofPlatform().name("qtfs-link-" + index).daemon().start(this::receive);
    }

    /** Whether request {@code unique} was sent here and is not answered yet. */
    boolean carries(long unique) {
        return inFlight.contains(unique);
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
            inFlight.add(unique);
            // went down after the check: whoever removes the unique answers for it
            if (!up.get()) return !inFlight.remove(unique);
        }
        try {
            connection.send(FrameType.FUSE_REQUEST, mountId, unique, prefix, request.asByteBuffer());
            return true;
        } catch (IOException e) {
            // a frame is written whole or the server drops the connection on the partial frame:
            // either way it never ran the request, so another link may carry it
            boolean takenBack = !expectsReply || inFlight.remove(unique);
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
                    case NO_XATTRS -> noXattrs(h, f.payload());
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
        session.reply(MemorySegment.ofBuffer(payload));
    }

    private void notification(FrameHeader h, ByteBuffer payload) throws ProtocolException {
        checkChannel(h);
        FuseFrames.checkReply(payload, FrameType.FUSE_NOTIFY);
        if (FuseFrames.replyUnique(payload) != 0) throw new ProtocolException("FUSE_NOTIFY with a non-zero unique");
        session.reply(MemorySegment.ofBuffer(payload));
    }

    private void noXattrs(FrameHeader h, ByteBuffer payload) throws ProtocolException {
        checkChannel(h);
        if (!xattrHintsAgreed) throw new ProtocolException("NO_XATTRS frame, but that feature was not agreed");
        xattrs.learned(NoXattrs.decode(payload).nodeIds());
    }

    private void error(FrameHeader h, Failure failure) {
        LOG.log(System.Logger.Level.WARNING, "{0}: server could not serve request {1}: {2}", name, Long.toUnsignedString(h.requestId()),
                failure.reason());
        if (inFlight.remove(h.requestId())) session.replyError(h.requestId(), failure.errno());
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
