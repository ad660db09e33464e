package qtfs.server.fs;

import java.time.Duration;

/**
 * How long the client kernel may trust what a reply says: the name-to-node mapping
 * ({@code entry}) and the attributes ({@code attr}). Long times are safe where qtfsd watches
 * the file system and tells the client of every change ({@link ChangeWatcher}); elsewhere
 * replies use at most {@link #UNWATCHED}.
 */
public record CacheTimes(Duration entry, Duration attr) {
    public static final CacheTimes DEFAULT = new CacheTimes(Duration.ofSeconds(60), Duration.ofSeconds(60));
    /**
     * The most a reply grants for what no notification would correct: files of a file system
     * qtfsd cannot watch, and names found missing (the kernel keeps those per name, and a
     * missed notification could not reach them).
     */
    public static final Duration UNWATCHED = Duration.ofSeconds(1);

    public CacheTimes {
        if (entry.isNegative() || attr.isNegative())
            throw new IllegalArgumentException("cache times must not be negative: entry " + entry + ", attr " + attr);
    }

    /** These times, each at most {@code max}. */
    CacheTimes atMost(Duration max) {
        return new CacheTimes(entry.compareTo(max) > 0 ? max : entry, attr.compareTo(max) > 0 ? max : attr);
    }
}
