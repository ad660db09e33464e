package qtfs.client;

import java.time.Duration;

/**
 * What a mount does when its server stops answering.
 *
 * @param heartbeat a connection silent this long gets a PING; silent {@code 3 x heartbeat}, it counts as
 *                  lost and is re-established (zero: never; a lost link is then noticed only when the
 *                  system reports it)
 * @param hard      requests wait for the server however long it is away, as on an NFS hard mount; when
 *                  false (soft), requests fail with EIO once the server has been unreachable for {@code timeout}
 * @param timeout   for soft mounts, how long requests wait for a lost server
 */
public record Recovery(Duration heartbeat, boolean hard, Duration timeout) {
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public Recovery {
        if (heartbeat == null || heartbeat.isNegative()) throw new IllegalArgumentException("heartbeat must not be negative: " + heartbeat);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeo must be positive: " + timeout);
        }
    }

    /** A hard mount with heartbeats every 10 s. */
    public static Recovery defaults() {
        return new Recovery(DEFAULT_HEARTBEAT, true, DEFAULT_TIMEOUT);
    }

    /** A soft mount: requests fail with EIO after {@code timeout} without the server. */
    public static Recovery soft(Duration heartbeat, Duration timeout) {
        return new Recovery(heartbeat, false, timeout);
    }
}
