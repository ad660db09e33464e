package qtfs.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;

import qtfs.sys.UnixChannel;
import qtfs.sys.VsockChannel;
import qtfs.transport.tls.TlsChannel;

/** A {@link Link} over one of the blocking byte channels qtfs connects with. */
final class ChannelLink<C extends ByteChannel & GatheringByteChannel> implements Link {
    /** The channel's own half-close; they share no interface for it. */
    interface OutputShutdown {
        void shutdownOutput() throws IOException;
    }

    static final String UNAUTHENTICATED = "unauthenticated";

    private final C channel;
    private final OutputShutdown shutdown;
    /** The socket underneath, when there is a JDK one (for its options); null for native sockets. */
    private final SocketChannel socket;
    private final String peer;
    private final String identity;

    private ChannelLink(C channel, OutputShutdown shutdown, SocketChannel socket, String peer, String identity) {
        this.channel = channel;
        this.shutdown = shutdown;
        this.socket = socket;
        this.peer = peer;
        this.identity = identity;
    }

    /** Plain TCP, or a unix socket on the client side. */
    static Link socket(SocketChannel ch, String peer) {
        return new ChannelLink<>(ch, ch::shutdownOutput, ch, peer, UNAUTHENTICATED);
    }

    static Link tls(TlsChannel tls, SocketChannel ch, String peer, String identity) {
        return new ChannelLink<>(tls, tls::shutdownOutput, ch, peer, identity);
    }

    static Link vsock(VsockChannel ch, String peer, String identity) {
        return new ChannelLink<>(ch, ch::shutdownOutput, null, peer, identity);
    }

    /** A connection accepted on a unix socket, with the peer's credentials as its identity. */
    static Link unix(UnixChannel ch, String peer, String identity) {
        return new ChannelLink<>(ch, ch::shutdownOutput, null, peer, identity);
    }

    /** The JDK socket underneath (TCP, TLS, client-side unix), or null. */
    SocketChannel socket() {
        return socket;
    }

    /** The channel itself: the TLS channel for TLS, else the socket. */
    C channel() {
        return channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public long write(ByteBuffer... srcs) throws IOException {
        return channel.write(srcs);
    }

    @Override
    public void shutdownOutput() throws IOException {
        shutdown.shutdownOutput();
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a socket fails only if it is already gone
        }
    }

    @Override
    public String peer() {
        return peer;
    }

    @Override
    public String identity() {
        return identity;
    }

    @Override
    public String toString() {
        return peer;
    }
}
