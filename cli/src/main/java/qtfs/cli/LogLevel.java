package qtfs.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.logging.Level;
import java.util.stream.Collectors;

/** The log levels a user can choose with {@code --log-level}, from least to most verbose. */
public enum LogLevel {
    ERROR(Level.SEVERE), WARN(Level.WARNING), INFO(Level.INFO), DEBUG(Level.FINE);

    /** The java.util.logging level that System.Logger messages of this level map to. */
    final Level julLevel;

    LogLevel(Level julLevel) {
        this.julLevel = julLevel;
    }

    /** Case-insensitive; {@code WARNING} is accepted for {@code WARN}. */
    public static LogLevel parse(String text) {
        String upper = text.trim().toUpperCase(Locale.ROOT);
        if (upper.equals("WARNING")) return WARN;
        for (LogLevel level : values()) {
            if (level.name().equals(upper)) return level;
        }
        throw new IllegalArgumentException("log level '" + text + "' is not one of " + names());
    }

    /** {@code "ERROR, WARN, INFO, DEBUG"}. */
    public static String names() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
