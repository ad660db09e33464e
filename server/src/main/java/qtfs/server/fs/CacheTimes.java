package qtfs.server.fs;

import java.time.Duration;

/**
 * How long the client kernel may trust what a reply says: the name-to-node mapping
 * ({@code entry}) and the attributes ({@code attr}).
 */
public record CacheTimes(Duration entry, Duration attr) {
    public static final CacheTimes DEFAULT = new CacheTimes(Duration.ofSeconds(1), Duration.ofSeconds(1));

    public CacheTimes {
        if (entry.isNegative() || attr.isNegative())
            throw new IllegalArgumentException("cache times must not be negative: entry " + entry + ", attr " + attr);
    }
}
