package qtfs.server.daemon;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Native buffers that carry requests from a connection's reader to the workers. Most requests
 * are small; large ones (writes) are few at a time: when all large buffers are in use, readers
 * wait, which stops them reading their sockets and pushes back on the clients.
 */
final class RequestBuffers {
    static final int SMALL = 16 << 10;
    private static final int SMALL_KEPT = 1024;

    /** A buffer on loan: {@link #request} is the part holding the request. */
    record Lease(MemorySegment whole, MemorySegment request) {}

    private final int largeSize;
    private final Semaphore largeAvailable;
    private final ConcurrentLinkedQueue<MemorySegment> small = new ConcurrentLinkedQueue<>();
    private final AtomicInteger smallKept = new AtomicInteger();
    private final ConcurrentLinkedQueue<MemorySegment> large = new ConcurrentLinkedQueue<>();

    RequestBuffers(int largeSize, int largeCount) {
        this.largeSize = largeSize;
        this.largeAvailable = new Semaphore(largeCount);
    }

    /** A buffer for a request of {@code size} bytes (at most the large size); return it with {@link #give}. */
    Lease take(int size) throws InterruptedException {
        if (size > largeSize) throw new IllegalArgumentException("request of " + size + " bytes exceeds the buffer size " + largeSize);
        MemorySegment whole;
        if (size <= SMALL) {
            whole = small.poll();
            if (whole == null) whole = Arena.ofAuto().allocate(SMALL, 8);
            else smallKept.decrementAndGet();
        } else {
            largeAvailable.acquire();
            whole = large.poll();
            if (whole == null) whole = Arena.ofAuto().allocate(largeSize, 8);
        }
        return new Lease(whole, whole.asSlice(0, size));
    }

    /** The bytes a buffer for a request of {@code size} bytes takes. */
    long footprint(int size) {
        return size <= SMALL ? SMALL : largeSize;
    }

    void give(Lease lease) {
        MemorySegment whole = lease.whole();
        if (whole.byteSize() == SMALL) {
            if (smallKept.incrementAndGet() <= SMALL_KEPT) small.offer(whole);
            else smallKept.decrementAndGet(); // enough kept: let the collector free this one
        } else {
            large.offer(whole);
            largeAvailable.release();
        }
    }
}
