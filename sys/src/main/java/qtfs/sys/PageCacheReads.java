package qtfs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static qtfs.sys.Libc.C_INT;
import static qtfs.sys.Libc.C_LONG;
import static qtfs.sys.Libc.C_POINTER;

/**
 * Reads that never wait for a disk: preadv2(2) with RWF_NOWAIT copies what the page cache
 * holds and refuses (EAGAIN) instead of starting I/O. A server thread that must stay
 * responsive reads this way and leaves the misses to threads that may wait. struct iovec is
 * two 64-bit words on x86_64 and aarch64.
 */
public final class PageCacheReads {
    private PageCacheReads() {}

    private static final int RWF_NOWAIT = 0x8;
    private static final MethodHandle PREADV2 = Libc.errnoFunction("preadv2",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_INT, C_LONG, C_INT));
    private static final ThreadLocal<MemorySegment> IOVEC = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(16, 8));

    /**
     * Reads up to {@code count} bytes at {@code offset} into {@code buf} if the page cache holds
     * them: returns the bytes read (fewer when only part is cached, or at the end of the file),
     * or -1 when nothing could be read without waiting (or the file system cannot tell).
     */
    public static long read(int fd, MemorySegment buf, long count, long offset) throws ErrnoException {
        MemorySegment iov = IOVEC.get();
        iov.set(ADDRESS, 0, buf);
        iov.set(JAVA_LONG, 8, count);
        try {
            return Calls.checked("preadv2", () -> (long) PREADV2.invokeExact(Libc.errnoState(), fd, iov, 1, offset, RWF_NOWAIT));
        } catch (ErrnoException e) {
            if (e.is(Errno.EAGAIN) || e.is(Errno.EOPNOTSUPP)) return -1;
            throw e;
        }
    }
}
