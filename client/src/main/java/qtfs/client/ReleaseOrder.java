package qtfs.client;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps lock requests behind the RELEASEs of their node that the kernel queued before them.
 * The kernel sends RELEASE in the background once the last descriptor of an open file is
 * closed, and only then do the locks of that open file description (OFD locks, flock) end on
 * the server. Links and server workers may reorder requests, so without this a lock request
 * a program makes right after such a close could still meet the closed file's locks.
 */
final class ReleaseOrder {
    /** A RELEASE the server never answers must not hold lock requests up for good. */
    static final Duration LONGEST_WAIT = Duration.ofSeconds(5);

    /** unique of a RELEASE in flight → its node id. */
    private final ConcurrentHashMap<Long, Long> releases = new ConcurrentHashMap<>();
    /** node id → RELEASEs in flight; guarded by this. */
    private final Map<Long, Integer> pendingByNode = new HashMap<>();

    /** A RELEASE of {@code nodeid} is about to go out. */
    void sent(long unique, long nodeid) {
        synchronized (this) {
            pendingByNode.merge(nodeid, 1, Integer::sum);
        }
        releases.put(unique, nodeid);
    }

    /** The request {@code unique} (of any kind) was answered or failed. */
    void answered(long unique) {
        if (releases.isEmpty()) return;
        Long nodeid = releases.remove(unique);
        if (nodeid == null) return;
        synchronized (this) {
            pendingByNode.computeIfPresent(nodeid, (n, count) -> count == 1 ? null : count - 1);
            notifyAll();
        }
    }

    /** Waits until no RELEASE of {@code nodeid} sent so far is in flight (at most {@link #LONGEST_WAIT}). */
    void awaitReleasesOf(long nodeid) throws InterruptedException {
        long deadline = System.nanoTime() + LONGEST_WAIT.toNanos();
        synchronized (this) {
            while (pendingByNode.containsKey(nodeid)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return;
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }
}
