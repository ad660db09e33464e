package qtfs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static qtfs.sys.Libc.C_INT;

/**
 * An eventfd(2) counter used to wake a thread that waits in {@link Poll}: {@link #signal}
 * makes it readable, {@link #drain} makes it quiet again. Non-blocking, close-on-exec.
 */
public final class EventFd implements AutoCloseable {
    private static final int EFD_NONBLOCK = OpenFlags.O_NONBLOCK, EFD_CLOEXEC = OpenFlags.O_CLOEXEC;
    private static final MethodHandle EVENTFD = Libc.errnoFunction("eventfd",
            FunctionDescriptor.of(C_INT, C_INT, C_INT));

    private final int fd;
    private final MemorySegment one = Arena.ofAuto().allocate(8, 8);

    public EventFd() throws ErrnoException {
        fd = Calls.checked("eventfd", () -> (int) EVENTFD.invokeExact(Libc.errnoState(), 0, EFD_NONBLOCK | EFD_CLOEXEC));
    }

    public int fd() {
        return fd;
    }

    /** Makes the descriptor readable (any thread). */
    public void signal() {
        MemorySegment value = Arena.ofAuto().allocate(8, 8);
        value.set(ValueLayout.JAVA_LONG, 0, 1L);
        try {
            FileIo.write(fd, value, 8);
        } catch (ErrnoException ignored) {
            // EAGAIN: the counter is full, so it is readable already
        }
    }

    /** Resets the counter (the thread that waits on it). */
    public void drain() {
        try {
            FileIo.read(fd, one, 8);
        } catch (ErrnoException ignored) {
            // EAGAIN: nothing to drain
        }
    }

    @Override
    public void close() {
        FileIo.closeQuietly(fd);
    }
}
