package qtfs.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

/** Socket options every qtfs connection gets, and how a peer and a failure are named in messages. */
final class SocketSetup {
    private SocketSetup() {}

    /**
     * Unix stream sockets have no buffer auto-tuning, and their default (about 200 KiB) holds
     * less than one large write: ask for more (the kernel caps it at net.core.[rw]mem_max).
     * TCP buffers are left to auto-tuning, which grows beyond any fixed size we could set.
     */
    static final int UNIX_SOCKET_BUFFER = 4 << 20;

    static void configureTcp(SocketChannel ch) throws IOException {
        // A request/reply protocol must not wait for Nagle's algorithm (see DESIGN.md).
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
    }

    static void configureUnix(SocketChannel ch) throws IOException {
        ch.setOption(StandardSocketOptions.SO_SNDBUF, UNIX_SOCKET_BUFFER);
        ch.setOption(StandardSocketOptions.SO_RCVBUF, UNIX_SOCKET_BUFFER);
    }

    /** "tcp:10.0.0.2:41234" for the remote end of a TCP connection. */
    static String tcpPeer(SocketChannel ch) {
        try {
            InetSocketAddress remote = (InetSocketAddress) ch.getRemoteAddress();
            return new Address.Tcp(remote.getAddress().getHostAddress(), remote.getPort()).toString();
        } catch (IOException | RuntimeException e) {
            return "tcp:(unknown peer)";
        }
    }

    /** What went wrong, for a message that already names the address. */
    static String reason(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file or directory: " + m;
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied: " + m;
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
