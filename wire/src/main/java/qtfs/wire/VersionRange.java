package qtfs.wire;

import java.util.OptionalInt;

/** An inclusive range of protocol versions a peer speaks. */
public record VersionRange(int min, int max) {
    /** What this implementation speaks: docs/PROTOCOL.md describes version 1. */
    public static final VersionRange SUPPORTED = new VersionRange(1, 1);

    public VersionRange {
        if (min < 1 || max > 0xffff || min > max) throw new IllegalArgumentException("bad version range " + min + ".." + max);
    }

    /** The highest version both ranges contain, if any. */
    public OptionalInt highestCommon(VersionRange other) {
        int hi = Math.min(max, other.max);
        return hi >= Math.max(min, other.min) ? OptionalInt.of(hi) : OptionalInt.empty();
    }

    public boolean contains(int version) {
        return version >= min && version <= max;
    }

    @Override
    public String toString() {
        return min + ".." + max;
    }
}
