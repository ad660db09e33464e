package qtfs.server.daemon;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open file and directory handles of one mount session, within {@link ClientLimits#openFiles()}.
 * Opens being served count too, so that concurrent opens cannot overshoot the limit. A refused
 * open is answered EMFILE and logged (at most once a minute per session).
 */
final class HandleQuota {
    private static final System.Logger LOG = System.getLogger(HandleQuota.class.getName());
    private static final long WARN_EVERY = TimeUnit.SECONDS.toNanos(60);

    private final AtomicInteger opening = new AtomicInteger();
    private volatile long lastWarning;
    private volatile boolean warned;

    /**
     * Room for one more handle while {@code open} are open already; false at the limit (logged
     * with {@code who}, the client asking). A true answer is paired with {@link #settled()}.
     */
    boolean reserve(int limit, int open, String who) {
        if (open + opening.incrementAndGet() <= limit) return true;
        opening.decrementAndGet();
        long now = System.nanoTime();
        if (!warned || now - lastWarning >= WARN_EVERY) {
            warned = true;
            lastWarning = now;
            LOG.log(System.Logger.Level.WARNING, "{0}: {1} open files and directories, the limit (max-open-files); opens answered "
                    + "EMFILE (Too many open files) until it closes some", who, open);
        }
        return false;
    }

    /** The open reserved for was served (or failed): the handle table counts it from now on. */
    void settled() {
        opening.decrementAndGet();
    }
}
