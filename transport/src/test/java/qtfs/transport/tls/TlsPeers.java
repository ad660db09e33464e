package qtfs.transport.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

/**
 * A TLS server on 127.0.0.1 that accepts one connection and runs the server handshake on it,
 * and the client side of the same, for tests over real sockets.
 */
final class TlsPeers implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    final ServerSocketChannel listener;
    final int port;
    /** The server side of the accepted connection, or the handshake's failure. */
    final CompletableFuture<TlsChannel> accepted = new CompletableFuture<>();
    /** The peer text the server used for the accepted connection, e.g. tcp:127.0.0.1:41234. */
    volatile String acceptedPeer;
    private final Thread acceptor;

    TlsPeers(SSLContext serverContext) throws IOException {
        this(serverContext, TIMEOUT);
    }

    TlsPeers(SSLContext serverContext, Duration handshakeTimeout) throws IOException {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        acceptor = Thread.ofPlatform().name("test-tls-acceptor").start(() -> {
            try {
                SocketChannel ch = listener.accept();
                InetSocketAddress remote = (InetSocketAddress) ch.getRemoteAddress();
                acceptedPeer = "tcp:" + remote.getAddress().getHostAddress() + ":" + remote.getPort();
                accepted.complete(TlsChannel.handshakeAsServer(ch, serverContext, acceptedPeer, handshakeTimeout));
            } catch (Throwable t) {
                accepted.completeExceptionally(t);
            }
        });
    }

    /** Connects a plain TCP socket to the server. */
    SocketChannel connectPlain() throws IOException {
        return SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
    }

    /** Connects and runs the client handshake as if the user had asked for {@code host}. */
    TlsChannel connect(SSLContext clientContext, String host) throws IOException {
        return TlsChannel.handshakeAsClient(connectPlain(), clientContext, host, port, "tcp:" + host + ":" + port, TIMEOUT);
    }

    TlsChannel connect(SSLContext clientContext) throws IOException {
        return connect(clientContext, "127.0.0.1");
    }

    /** The server side's handshake failure. */
    Throwable serverFailure() throws Exception {
        try {
            TlsChannel ch = accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            ch.close();
            throw new AssertionError("the server accepted the connection");
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
    }

    TlsChannel serverSide() throws Exception {
        return accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        listener.close();
        try {
            acceptor.join(TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (accepted.isDone() && !accepted.isCompletedExceptionally()) accepted.join().close();
    }
}
