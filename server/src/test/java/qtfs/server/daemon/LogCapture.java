package qtfs.server.daemon;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** The log lines qtfs writes while a test runs (System.Logger goes to java.util.logging here), as "LEVEL message". */
final class LogCapture implements AutoCloseable {
    /** Held strongly: java.util.logging forgets loggers nobody references. */
    private final Logger logger = Logger.getLogger("qtfs");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord r) {
            lines.add(r.getLevel().getName() + " " + formatter.formatMessage(r));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private final Level previousLevel = logger.getLevel();
    private final boolean previousUseParents = logger.getUseParentHandlers();

    /** Captures INFO and above, and keeps them off the console (the tests' logging.properties keeps only SEVERE). */
    LogCapture() {
        handler.setLevel(Level.ALL);
        logger.setLevel(Level.INFO);
        logger.setUseParentHandlers(false);
        logger.addHandler(handler);
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits (the server logs on its own threads) for a line that matches, and returns it. */
    String await(Predicate<String> wanted, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (String line : lines) {
                if (wanted.test(line)) return line;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no log line " + what + " in:\n" + String.join("\n", lines));
    }

    String awaitMatching(String regex) throws InterruptedException {
        return await(line -> line.matches(regex), "matching " + regex);
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setLevel(previousLevel);
        logger.setUseParentHandlers(previousUseParents);
    }
}
