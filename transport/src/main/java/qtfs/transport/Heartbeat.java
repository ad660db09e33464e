package qtfs.transport;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import qtfs.wire.FrameType;
import qtfs.wire.Ping;

/**
 * Keeps an eye on a connection's peer. A connection on which nothing arrived for one interval
 * gets a PING (whose PONG counts as arrival); one on which nothing arrived for
 * {@link #MISSED_LIMIT} intervals is closed, so its reader sees the failure. A silent link (a
 * cable pulled, a stopped peer) would otherwise block a reader forever: TCP notices nothing
 * while no data is in flight. The receiving loop calls {@link #received()} for every frame.
 */
public final class Heartbeat implements AutoCloseable {
    /** Intervals without any frame from the peer after which it is taken for dead. */
    public static final int MISSED_LIMIT = 3;
    private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "qtfs-heartbeat");
        t.setDaemon(true);
        return t;
    });

    static {
        TIMER.setRemoveOnCancelPolicy(true);
    }

    /** What to do when the peer is found dead (besides closing the connection). */
    public interface DeathListener {
        void dead(String reason);
    }

    private final Connection connection;
    private final long intervalNanos;
    private final DeathListener onDeath;
    private final AtomicLong lastReceived = new AtomicLong(System.nanoTime());
    private final AtomicLong pingCounter = new AtomicLong();
    /** A PING still being written (a peer that reads nothing fills the socket buffer): no second one. */
    private final AtomicBoolean pinging = new AtomicBoolean();
    private final ScheduledFuture<?> task;
    private volatile boolean dead;

    private Heartbeat(Connection connection, Duration interval, DeathListener onDeath) {
        this.connection = connection;
        this.intervalNanos = interval.toNanos();
        this.onDeath = onDeath;
        long period = Math.max(1, intervalNanos / 2);
        this.task = TIMER.scheduleWithFixedDelay(this::check, period, period, TimeUnit.NANOSECONDS);
    }

    /**
     * Starts watching {@code connection}: PING after {@code interval} of silence, closed after
     * {@link #MISSED_LIMIT} intervals. {@code onDeath} runs (on the timer thread) just before the close.
     */
    public static Heartbeat start(Connection connection, Duration interval, DeathListener onDeath) {
        if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("heartbeat interval must be positive, not " + interval);
        return new Heartbeat(connection, interval, onDeath);
    }

    /** A frame (of any type) arrived from the peer. */
    public void received() {
        lastReceived.set(System.nanoTime());
    }

    /** Whether the peer was found dead and the connection closed because of it. */
    public boolean peerDead() {
        return dead;
    }

    /** How long the peer may stay silent before it is taken for dead. */
    public Duration deadAfter() {
        return Duration.ofNanos(intervalNanos * MISSED_LIMIT);
    }

    private void check() {
        long silent = System.nanoTime() - lastReceived.get();
        if (silent >= intervalNanos * MISSED_LIMIT) {
            if (dead) return;
            dead = true;
            task.cancel(false);
            onDeath.dead("no frame from " + connection.peer() + " for " + Deadline.describe(Duration.ofMillis(silent / 1_000_000))
                    + " (" + MISSED_LIMIT + " heartbeats of " + Deadline.describe(Duration.ofNanos(intervalNanos)) + " missed)");
            connection.close();
        } else if (silent >= intervalNanos && pinging.compareAndSet(false, true)) {
            // a send can block on a full socket buffer: never on the timer shared by every connection
            Thread.ofVirtual().name("qtfs-ping").start(() -> {
                try {
                    connection.send(FrameType.PING, 0, pingCounter.incrementAndGet(),
                            new Ping(System.nanoTime()).encode());
                } catch (IOException e) {
                    // the reader sees the failure too and handles it
                } finally {
                    pinging.set(false);
                }
            });
        }
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
