package qtfs.server.daemon;

import java.time.Duration;

/**
 * How qtfsd watches its clients and how long it waits for one that went away.
 *
 * @param heartbeat    a connection silent this long gets a PING; silent {@code 3 x heartbeat}, it is closed (zero: never)
 * @param sessionGrace how long a session outlives its last connection, so that a client whose link dropped can
 *                     attach again with its token and carry on with the same node ids and open files; after
 *                     that, its files, locks and memory are released (zero: at once)
 */
public record Liveness(Duration heartbeat, Duration sessionGrace) {
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_SESSION_GRACE = Duration.ofSeconds(60);

    public Liveness {
        if (heartbeat == null || heartbeat.isNegative()) throw new IllegalArgumentException("heartbeat must not be negative: " + heartbeat);
        if (sessionGrace == null || sessionGrace.isNegative()) {
            throw new IllegalArgumentException("session grace period must not be negative: " + sessionGrace);
        }
    }

    public static Liveness defaults() {
        return new Liveness(DEFAULT_HEARTBEAT, DEFAULT_SESSION_GRACE);
    }
}
