package qtfs.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Plain TCP: connections are neither encrypted nor authenticated, so this kind is used only
 * when the server is told to (--insecure-tcp), and says so in its log every time it starts.
 * {@link TlsSocketListener} accepts its sockets through this one.
 */
final class TcpSocketListener implements Listener {
    private static final System.Logger LOG = System.getLogger(TcpSocketListener.class.getName());
    private static final int BACKLOG = 128;

    private final ServerSocketChannel server;
    private final Address.Tcp address;
    private final int maxFrameSize;

    private TcpSocketListener(ServerSocketChannel server, Address.Tcp address, int maxFrameSize) {
        this.server = server;
        this.address = address;
        this.maxFrameSize = maxFrameSize;
    }

    static Listener bind(Address.Tcp tcp, int maxFrameSize) throws IOException {
        TcpSocketListener listener = bindSocket(tcp, maxFrameSize);
        LOG.log(System.Logger.Level.WARNING, "{0}: plain TCP without TLS (--insecure-tcp): connections are neither encrypted nor "
                + "authenticated, and anyone who can reach this port can connect", listener.address);
        return listener;
    }

    static TcpSocketListener bindSocket(Address.Tcp tcp, int maxFrameSize) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(tcp.host(), tcp.port()), BACKLOG);
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            return new TcpSocketListener(server, new Address.Tcp(tcp.host(), port), maxFrameSize);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    @Override
    public Address address() {
        return address;
    }

    /** The next TCP socket, with qtfs's options (TCP_NODELAY). */
    SocketChannel acceptSocket() throws IOException {
        SocketChannel ch = server.accept();
        try {
            SocketSetup.configureTcp(ch);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public Incoming accept() throws IOException {
        SocketChannel ch = acceptSocket();
        return Incoming.checked(ChannelLink.socket(ch, SocketSetup.tcpPeer(ch)), maxFrameSize, null);
    }

    @Override
    public boolean isOpen() {
        return server.isOpen();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    @Override
    public String toString() {
        return address.toString();
    }
}
