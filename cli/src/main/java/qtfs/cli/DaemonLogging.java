package qtfs.cli;

import java.io.PrintStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The logging of qtfsd and of the qtfs mount daemon: every System.Logger message goes
 * through java.util.logging to one handler that writes {@link OneLineFormatter} lines to
 * standard error. The level can be changed at any time with {@link #setLevel}.
 */
public final class DaemonLogging {
    private static volatile LogLevel current = LogLevel.INFO;

    private DaemonLogging() {
    }

    /**
     * Call first thing in main, before anything logs: keeps the log handler alive through
     * shutdown hooks (see {@link DaemonLogManager}).
     */
    public static void prepare() {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", DaemonLogManager.class.getName());
        }
    }

    /** Replaces any earlier configuration; {@code program} prefixes every message. */
    public static synchronized void install(String program, LogLevel level, PrintStream stderr) {
        DaemonLogManager.resetNow(LogManager.getLogManager());
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) root.removeHandler(h);
        Handler handler = new StreamHandler(stderr,
                new OneLineFormatter(program, () -> current.julLevel.intValue() <= Level.FINE.intValue()));
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        setLevel(level);
    }

    /** Changes the level for every logger at once, e.g. from a runtime command. */
    public static synchronized void setLevel(LogLevel level) {
        current = level;
        Logger.getLogger("").setLevel(level.julLevel);
    }

    public static LogLevel level() {
        return current;
    }

    /** Flushes after every record: a daemon's log must be complete when it dies. */
    private static final class StreamHandler extends Handler {
        private final PrintStream out;

        StreamHandler(PrintStream out, OneLineFormatter formatter) {
            this.out = out;
            setFormatter(formatter);
        }

        @Override
        public void publish(LogRecord record) {
            if (!isLoggable(record)) return;
            String text = getFormatter().format(record);
            synchronized (out) {
                out.print(text);
                out.flush();
            }
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            out.flush();
        }
    }
}
