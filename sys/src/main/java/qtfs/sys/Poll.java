package qtfs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static qtfs.sys.Libc.C_INT;
import static qtfs.sys.Libc.C_LONG;
import static qtfs.sys.Libc.C_POINTER;

/**
 * poll(2) over a set of descriptors. A set is filled with {@link #add}, waited on with
 * {@link #await}, and read back with {@link #revents}; it may be cleared and filled again.
 * Not thread-safe: one thread uses a set. struct pollfd is {int fd; short events; short revents}
 * on every Linux architecture.
 */
public final class Poll implements AutoCloseable {
    public static final int POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20,
            POLLRDNORM = 0x40, POLLRDBAND = 0x80, POLLWRNORM = 0x100, POLLWRBAND = 0x200, POLLRDHUP = 0x2000;
    private static final int POLLFD_SIZE = 8;

    private static final MethodHandle POLL = Libc.errnoFunction("poll",
            FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, C_INT));

    private final Arena arena = Arena.ofConfined();
    private MemorySegment fds;
    private int count;

    public Poll(int capacity) {
        fds = arena.allocate((long) Math.max(1, capacity) * POLLFD_SIZE, 8);
    }

    /** Empties the set. */
    public void clear() {
        count = 0;
    }

    /** Adds {@code fd} waiting for {@code events}; returns its index for {@link #revents}. */
    public int add(int fd, int events) {
        if ((long) (count + 1) * POLLFD_SIZE > fds.byteSize()) {
            MemorySegment bigger = arena.allocate(fds.byteSize() * 2, 8);
            MemorySegment.copy(fds, 0, bigger, 0, fds.byteSize());
            fds = bigger;
        }
        long at = (long) count * POLLFD_SIZE;
        fds.set(ValueLayout.JAVA_INT, at, fd);
        fds.set(ValueLayout.JAVA_SHORT, at + 4, (short) events);
        fds.set(ValueLayout.JAVA_SHORT, at + 6, (short) 0);
        return count++;
    }

    /**
     * Waits until a descriptor of the set is ready or {@code timeoutMillis} passed (negative:
     * no limit); returns how many are ready, 0 on time-out or when a signal interrupted the wait.
     */
    public int await(int timeoutMillis) throws ErrnoException {
        long n = count;
        int rc;
        try {
            rc = (int) POLL.invokeExact(Libc.errnoState(), fds, n, timeoutMillis);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        if (rc < 0 && Libc.lastErrno() == Errno.EINTR) return 0;
        return Libc.check(rc, "poll");
    }

    /** The events that were ready at {@code index} in the last {@link #await}. */
    public int revents(int index) {
        return Short.toUnsignedInt(fds.get(ValueLayout.JAVA_SHORT, (long) index * POLLFD_SIZE + 6));
    }

    /** The events of {@code fd} ready now (without waiting), among {@code events} plus POLLERR, POLLHUP, POLLNVAL. */
    public static int now(int fd, int events) throws ErrnoException {
        return one(fd, events, 0);
    }

    /** Waits up to {@code timeoutMillis} for {@code events} on {@code fd}; returns the ready events (0: none). */
    public static int one(int fd, int events, int timeoutMillis) throws ErrnoException {
        try (Poll p = new Poll(1)) {
            p.add(fd, events);
            return p.await(timeoutMillis) == 0 ? 0 : p.revents(0);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
