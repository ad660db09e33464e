package qtfs.server.daemon;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import qtfs.transport.Address;
import qtfs.sys.Arch;
import qtfs.wire.Architecture;
import qtfs.wire.Attach;
import qtfs.wire.Attached;
import qtfs.wire.Failure;
import qtfs.wire.FrameHeader;
import qtfs.wire.FrameType;
import qtfs.wire.FuseFrames;
import qtfs.wire.Hello;
import qtfs.wire.Service;
import qtfs.wire.VersionRange;

/**
 * A hand-driven qtfs client on a bare socket: it frames by itself (so the daemon is not tested
 * with its own transport code) and can break the protocol on purpose.
 */
final class RawClient implements AutoCloseable {
    static final int FUSE_MINOR = 38;
    static final int MAX_WRITE = 1 << 20;
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "raw-client-timer");
        t.setDaemon(true);
        return t;
    });

    /** A frame as received: its header and a copy of its payload. */
    record Reply(FrameHeader header, ByteBuffer payload) {
        FrameType type() {
            return header.type();
        }
    }

    final SocketChannel channel;
    int mountId;
    long token;
    /** FUSE_NOTIFY payloads that {@link #call} and {@link #nextFuseReply} passed over, in order. */
    final java.util.List<ByteBuffer> notifications = new java.util.ArrayList<>();
    long agreedFeatures;

    private RawClient(SocketChannel channel) {
        this.channel = channel;
    }

    /** Connected, without a handshake. */
    static RawClient open(Address.Unix address) throws IOException {
        return new RawClient(SocketChannel.open(UnixDomainSocketAddress.of(address.path())));
    }

    static RawClient connect(Address.Unix address) throws IOException {
        return connect(address, 0);
    }

    /** Connected and welcomed, having offered {@code features}. */
    static RawClient connect(Address.Unix address, long features) throws IOException {
        RawClient c = open(address);
        c.frame(FrameType.HELLO, 0, 0, new Hello(VersionRange.SUPPORTED, Service.FS, features, "raw test client").encode());
        Reply welcome = c.next();
        if (welcome.type() != FrameType.WELCOME) {
            throw new IOException("handshake refused: " + Failure.decode(welcome.payload(), FrameType.REFUSE).reason());
        }
        c.agreedFeatures = qtfs.wire.Welcome.decode(welcome.payload()).features();
        return c;
    }

    static RawClient attached(Address.Unix address, String export) throws IOException {
        RawClient c = connect(address);
        Reply r = c.attach(0, export);
        if (r.type() != FrameType.ATTACHED) throw new IOException("attach refused: " + Failure.decode(r.payload(), FrameType.ERROR).reason());
        return c;
    }

    /** Sends ATTACH; returns the answer (ATTACHED, whose mount id and token are kept, or ERROR). */
    Reply attach(long withToken, String export) throws IOException {
        return attach(withToken, export, Architecture.valueOf(Arch.current().name()));
    }

    /** The same for a client of {@code architecture}. */
    Reply attach(long withToken, String export, Architecture architecture) throws IOException {
        frame(FrameType.ATTACH, 0, 1, new Attach(withToken, FUSE_MINOR, MAX_WRITE, 0, Duration.ofSeconds(1), Duration.ofSeconds(1),
                architecture, export).encode());
        Reply r = next();
        if (r.type() == FrameType.ATTACHED) {
            mountId = r.header().channel();
            token = Attached.decode(r.payload()).token();
        }
        return r;
    }

    void frame(FrameType type, int channelId, long requestId, ByteBuffer... payload) throws IOException {
        int length = 0;
        for (ByteBuffer b : payload) length += b.remaining();
        ByteBuffer header = ByteBuffer.allocate(FrameHeader.SIZE);
        FrameHeader.of(type, channelId, requestId, length).encode(header);
        raw(header.flip());
        for (ByteBuffer b : payload) raw(b);
    }

    void raw(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) channel.write(bytes);
    }

    /**
     * Bytes sent after bad input the server may already have rejected: it may close the
     * connection first, so a broken pipe here is one of the outcomes under test.
     */
    void rawAfterBadInput(ByteBuffer bytes) throws IOException {
        try {
            raw(bytes);
        } catch (IOException closedByServer) {
            // the server's verdict is checked by the caller
        }
    }

    /** The next frame; fails the test when none comes in time. EOFException when the server closed. */
    Reply next() throws IOException {
        ScheduledFuture<?> watchdog = TIMER.schedule(() -> {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing is all the watchdog can do
            }
        }, PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        try {
            ByteBuffer header = readFully(FrameHeader.SIZE);
            FrameHeader h = FrameHeader.decode(header, FrameHeader.DEFAULT_MAX_FRAME_SIZE);
            return new Reply(h, readFully(h.payloadLength()));
        } finally {
            if (!watchdog.cancel(false)) throw new AssertionError("no frame from qtfsd within " + PATIENCE.toSeconds() + " s");
        }
    }

    private ByteBuffer readFully(int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) throw new EOFException("qtfsd closed the connection");
        }
        return b.flip();
    }

    /** A FUSE request with a header (uid/gid/pid 0) and body. */
    static ByteBuffer fuse(int opcode, long unique, long nodeid, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(FuseFrames.IN_HEADER_SIZE + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(b.capacity()).putInt(opcode).putLong(unique).putLong(nodeid).putInt(0).putInt(0).putInt(0).putInt(0).put(body);
        return b.flip();
    }

    /** A file name as FUSE sends it: bytes and a NUL. */
    static byte[] name(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[n.length + 1];
        System.arraycopy(n, 0, z, 0, n.length);
        return z;
    }

    static ByteBuffer noGroups() {
        ByteBuffer prefix = ByteBuffer.allocate(FuseFrames.prefixSize(0));
        FuseFrames.writePrefix(prefix, new int[0]);
        return prefix.flip();
    }

    void send(ByteBuffer fuseRequest) throws IOException {
        long unique = fuseRequest.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(8);
        frame(FrameType.FUSE_REQUEST, mountId, unique, noGroups(), fuseRequest);
    }

    /** Sends a request and returns the FUSE reply (out header first). */
    ByteBuffer call(ByteBuffer fuseRequest) throws IOException {
        send(fuseRequest);
        Reply r = nextFuseReply();
        if (r.type() != FrameType.FUSE_REPLY) throw new IOException("expected FUSE_REPLY, got " + r.type());
        return r.payload();
    }

    /** The next frame that is not a FUSE_NOTIFY (those go to {@link #notifications}). */
    Reply nextFuseReply() throws IOException {
        Reply r = next();
        while (r.type() == FrameType.FUSE_NOTIFY) {
            notifications.add(r.payload());
            r = next();
        }
        return r;
    }

    /** The reply's error field: 0 or a negative errno. */
    static int error(ByteBuffer reply) {
        return reply.getInt(4);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the test is over with this connection either way
        }
    }
}
