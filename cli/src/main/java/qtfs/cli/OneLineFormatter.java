package qtfs.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.BooleanSupplier;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * {@code 2026-11-27T16:00:00.123Z WARNING qtfsd: message}: one line per record so that
 * logs grep well and journald keeps one entry per event. A throwable adds its message
 * chain on the same line; its stack trace follows only when {@code withStackTraces} says so
 * (at DEBUG), because a trace is for whoever debugs, not for the operator.
 */
public final class OneLineFormatter extends Formatter {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final String program;
    private final BooleanSupplier withStackTraces;

    public OneLineFormatter(String program, BooleanSupplier withStackTraces) {
        this.program = program;
        this.withStackTraces = withStackTraces;
    }

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(128);
        line.append(TIME.format(record.getInstant())).append(' ')
                .append(levelName(record.getLevel())).append(' ')
                .append(program).append(": ")
                .append(formatMessage(record));
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            for (Throwable t = thrown; t != null; t = t.getCause()) {
                line.append(t == thrown ? ": " : "; caused by ").append(t);
            }
        }
        line.append('\n');
        if (thrown != null && withStackTraces.getAsBoolean()) {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }

    /** The System.Logger names of the levels, which are what the code logging them says. */
    static String levelName(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) return "ERROR";
        if (v >= Level.WARNING.intValue()) return "WARNING";
        if (v >= Level.INFO.intValue()) return "INFO";
        if (v >= Level.FINE.intValue()) return "DEBUG";
        return "TRACE";
    }
}
