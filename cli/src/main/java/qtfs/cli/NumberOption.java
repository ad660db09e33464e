package qtfs.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

/** Numeric option values with their ranges; errors name the option and the value. */
public final class NumberOption {
    private NumberOption() {
    }

    /** A decimal integer in {@code [min, max]}. {@code what} names the option, e.g. {@code "--workers"}. */
    public static int integer(String what, String text, int min, int max) throws UsageException {
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(what + ": '" + text + "' is not a whole number");
        }
        if (value < min || value > max) {
            throw new UsageException(what + ": " + value + " is out of range (" + min + " to " + max + ")");
        }
        return (int) value;
    }

    /**
     * A size in bytes: digits with an optional suffix {@code K}/{@code KiB} or
     * {@code M}/{@code MiB} (powers of 1024), in {@code [min, max]}.
     */
    public static int bytes(String what, String text, int min, int max) throws UsageException {
        String t = text.trim();
        String upper = t.toUpperCase(Locale.ROOT);
        long unit = 1;
        for (String[] suffix : new String[][] {{"KIB", "1024"}, {"MIB", "1048576"}, {"K", "1024"}, {"M", "1048576"}}) {
            if (upper.endsWith(suffix[0])) {
                unit = Long.parseLong(suffix[1]);
                t = t.substring(0, t.length() - suffix[0].length()).trim();
                break;
            }
        }
        long value;
        try {
            value = Math.multiplyExact(Long.parseLong(t), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UsageException(what + ": '" + text + "' is not a size (examples: 1048576, 1024K, 1M)");
        }
        if (value < min || value > max) {
            throw new UsageException(what + ": " + text.trim() + " is out of range (" + min + " to " + max + " bytes)");
        }
        return (int) value;
    }

    /** Seconds, possibly with a fraction ({@code 0.5}), in {@code [0, maxSeconds]}. */
    public static Duration seconds(String what, String text, long maxSeconds) throws UsageException {
        BigDecimal value;
        try {
            value = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(what + ": '" + text + "' is not a number of seconds (examples: 1, 0.5, 0)");
        }
        if (value.signum() < 0 || value.compareTo(BigDecimal.valueOf(maxSeconds)) > 0) {
            throw new UsageException(what + ": " + text.trim() + " is out of range (0 to " + maxSeconds + " seconds)");
        }
        return Duration.ofNanos(value.movePointRight(9).longValue());
    }
}
