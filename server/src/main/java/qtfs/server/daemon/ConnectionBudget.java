package qtfs.server.daemon;

import java.util.concurrent.TimeUnit;

/**
 * The requests one connection has in flight and the request buffers they hold, within its
 * {@link ClientLimits}. A reader that would go beyond waits for answers to go out, which stops
 * it reading its socket and pushes back on the client (whose requests simply wait, as on a
 * busy NFS server) instead of queueing without bound. The first wait of a while is logged,
 * naming the connection and the limit.
 */
final class ConnectionBudget {
    private static final System.Logger LOG = System.getLogger(ConnectionBudget.class.getName());
    private static final long WARN_EVERY = TimeUnit.SECONDS.toNanos(60);

    private final ClientLimits limits;
    private final String who;
    private int requests;
    private long bytes;
    private long lastWarning;
    private boolean warned;

    /** {@code who} names the connection and its client in log lines. */
    ConnectionBudget(ClientLimits limits, String who) {
        this.limits = limits;
        this.who = who;
    }

    /** Takes room for one request holding {@code size} bytes; waits while the connection is at a limit. */
    synchronized void acquire(long size) throws InterruptedException {
        while (requests > 0 && (requests >= limits.requestsInFlight() || bytes + size > limits.connectionMemory())) {
            warnOnce(size);
            wait();
        }
        requests++;
        bytes += size;
    }

    /** Whether no request of the connection is in flight. */
    synchronized boolean isIdle() {
        return requests == 0;
    }

    synchronized void release(long size) {
        requests--;
        bytes -= size;
        notifyAll();
    }

    private void warnOnce(long size) {
        long now = System.nanoTime();
        if (warned && now - lastWarning < WARN_EVERY) return;
        warned = true;
        lastWarning = now;
        String limit = requests >= limits.requestsInFlight()
                ? requests + " requests in flight, the limit (max-in-flight " + limits.requestsInFlight() + ")"
                : "its requests in flight hold " + bytes + " bytes and the next needs " + size + ", over the limit (max-connection-memory "
                        + limits.connectionMemory() + ")";
        LOG.log(System.Logger.Level.WARNING, "{0}: {1}; reading no more of its requests until some are answered", who, limit);
    }
}
