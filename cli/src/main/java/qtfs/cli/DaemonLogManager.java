package qtfs.cli;

import java.util.logging.LogManager;

/**
 * A LogManager that ignores the reset the JDK runs at JVM shutdown. Without it the log
 * handler is removed while shutdown hooks still run, and the messages of a clean shutdown
 * (unmounting, closing connections) are lost. Selected with the system property
 * {@code java.util.logging.manager} by {@link DaemonLogging#prepare()}.
 */
public final class DaemonLogManager extends LogManager {
    private static final ThreadLocal<Boolean> RESET_ALLOWED = ThreadLocal.withInitial(() -> false);

    public DaemonLogManager() {
    }

    @Override
    public void reset() {
        if (RESET_ALLOWED.get()) super.reset();
    }

    /** Resets for real: used when logging is (re)configured. */
    static void resetNow(LogManager manager) {
        RESET_ALLOWED.set(true);
        try {
            manager.reset();
        } finally {
            RESET_ALLOWED.set(false);
        }
    }
}
