package qtfs.transport;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection if a blocking exchange on it (a handshake, an attach) does not finish
 * in time: blocking socket channels have no read timeout, and a silent peer must not hold a
 * thread forever.
 */
public final class Deadline implements AutoCloseable {
    private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "qtfs-deadline");
        t.setDaemon(true);
        return t;
    });

    static {
        TIMER.setRemoveOnCancelPolicy(true);
    }

    private final ScheduledFuture<?> task;
    private volatile boolean expired;

    private Deadline(Connection connection, Duration timeout) {
        this.task = TIMER.schedule(() -> {
            expired = true;
            connection.close();
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Closes {@code connection} after {@code timeout} unless {@link #close()} is called first. */
    public static Deadline start(Connection connection, Duration timeout) {
        return new Deadline(connection, timeout);
    }

    /** "30 s" or "200 ms", for messages. */
    public static String describe(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }

    /** Whether the deadline passed and the connection was closed because of it. */
    public boolean expired() {
        return expired;
    }

    /** Cancels the deadline. */
    @Override
    public void close() {
        task.cancel(false);
    }
}
