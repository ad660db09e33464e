package qtfs.server.fs;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * INTERRUPT bookkeeping for requests that wait (SETLKW). An interrupt may overtake its
 * request on the way (several connections): it is then kept for a while and applied when
 * the request starts waiting. Uniques are never reused by a kernel connection.
 */
final class Interrupts {
    private static final long KEEP_EARLY_NANOS = 60_000_000_000L;

    /** A waiting request; {@code interrupted} is set by another thread. */
    static final class Waiter {
        final Thread thread = Thread.currentThread();
        volatile boolean interrupted;
    }

    private final Map<Long, Waiter> waiting = new HashMap<>();
    private final Map<Long, Long> early = new HashMap<>();
    private boolean closed;

    synchronized Waiter register(long unique) {
        Waiter w = new Waiter();
        if (closed || early.remove(unique) != null) w.interrupted = true;
        waiting.put(unique, w);
        return w;
    }

    synchronized void unregister(long unique) {
        waiting.remove(unique);
    }

    synchronized void interrupt(long unique) {
        Waiter w = waiting.get(unique);
        if (w != null) {
            w.interrupted = true;
            LockSupport.unpark(w.thread);
            return;
        }
        long now = System.nanoTime();
        if (early.size() >= 64) {
            for (Iterator<Long> it = early.values().iterator(); it.hasNext(); )
                if (now - it.next() > KEEP_EARLY_NANOS) it.remove();
        }
        if (early.size() < 4096) early.put(unique, now);
    }

    /** Ends every wait: the session is closing. */
    synchronized void interruptAll() {
        closed = true;
        for (Waiter w : waiting.values()) {
            w.interrupted = true;
            LockSupport.unpark(w.thread);
        }
    }
}
