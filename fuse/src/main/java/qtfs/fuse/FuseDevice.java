package qtfs.fuse;

import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import qtfs.fuse.proto.OutHeader;
import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.FileIo;

/**
 * The session's /dev/fuse descriptor. Replies may come from any thread at any time, even
 * while the session ends; the descriptor is closed only once no write is in progress, so a
 * late reply can never land in a file that reused the descriptor number.
 */
final class FuseDevice {
    private static final System.Logger LOG = System.getLogger(FuseDevice.class.getName());
    private static final int CLOSED = 1 << 30;
    /** A write to /dev/fuse does not wait for anything slow; past this, something is stuck and we leak the fd. */
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final int fd;
    private final String name;
    /** Writes in progress, plus {@link #CLOSED} once closing started. */
    private final AtomicInteger writers = new AtomicInteger();

    FuseDevice(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /** Reads one request into {@code buffer}; blocks until the kernel has one. Only reader threads call this. */
    long read(MemorySegment buffer) throws ErrnoException {
        return FileIo.read(fd, buffer, buffer.byteSize());
    }

    /**
     * Writes one whole message (the kernel takes each write atomically, so concurrent writers
     * need no lock). ENOENT means the kernel no longer waits for that request (interrupted or
     * aborted), which is normal; after close nothing is written.
     */
    void write(MemorySegment message) {
        if (!enterWrite()) return;
        try {
            long written = FileIo.write(fd, message, message.byteSize());
            if (written != message.byteSize()) {
                LOG.log(Level.WARNING, name + ": short write of a FUSE reply: " + written + " of " + message.byteSize() + " bytes");
            }
        } catch (ErrnoException e) {
            switch (e.errno()) {
                case Errno.ENOENT -> { }
                case Errno.ENODEV -> LOG.log(Level.DEBUG, name + ": reply after the FUSE connection ended");
                default -> LOG.log(Level.WARNING, name + ": the kernel refused a FUSE reply (unique "
                        + Long.toUnsignedString(OutHeader.unique(message)) + ", len " + OutHeader.len(message)
                        + ", error " + OutHeader.error(message) + "): " + e.getMessage());
            }
        } finally {
            writers.decrementAndGet();
        }
    }

    private boolean enterWrite() {
        while (true) {
            int state = writers.get();
            if ((state & CLOSED) != 0) return false;
            if (writers.compareAndSet(state, state + 1)) return true;
        }
    }

    /** Closes the descriptor once writes in progress are done; later writes are dropped. Idempotent. */
    void close() {
        int before = writers.getAndUpdate(state -> state | CLOSED);
        if ((before & CLOSED) != 0) return;
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        while ((writers.get() & ~CLOSED) != 0) {
            if (System.nanoTime() - deadline > 0) {
                LOG.log(Level.WARNING, name + ": a write to /dev/fuse does not finish; leaving descriptor " + fd + " open");
                return;
            }
            LockSupport.parkNanos(100_000);
        }
        FileIo.closeQuietly(fd);
    }
}
