package qtfs.transport;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A listener and the two ends of one real connection through it. */
final class Pair implements AutoCloseable {
    final Listener listener;
    final Connection client;
    final Connection server;

    private Pair(Listener listener, Connection client, Connection server) {
        this.listener = listener;
        this.client = client;
        this.server = server;
    }

    /** A unix socket pair, or plain TCP. */
    static Pair open(Address address, int maxFrameSize) throws Exception {
        AcceptPolicy plain = new AcceptPolicy(AcceptPolicy.defaults().tlsDir(), true, AllowedUids.ROOT, java.util.Optional.empty());
        return open(address, plain, ClientTls.plainTcp(), maxFrameSize);
    }

    /** The server's accept, establishment included, runs on a thread of its own, as in a server. */
    static Pair open(Address address, AcceptPolicy policy, ClientTls security, int maxFrameSize) throws Exception {
        Listener listener = Listener.bind(address, policy, maxFrameSize);
        ExecutorService accept = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<Connection> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return listener.accept().establish();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, accept);
            Connection client = Connector.to(listener.address(), security).connect(maxFrameSize);
            return new Pair(listener, client, accepted.get(10, TimeUnit.SECONDS));
        } catch (Exception e) {
            listener.close();
            throw e;
        } finally {
            accept.shutdownNow();
        }
    }

    @Override
    public void close() {
        client.close();
        server.close();
        listener.close();
    }
}
