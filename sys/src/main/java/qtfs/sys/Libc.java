package qtfs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The one gateway to libc. Every native function qtfs calls is bound here with errno
 * captured, so callers in this package turn a failed call into an {@link ErrnoException}
 * with {@link #check}. Nothing outside {@code qtfs.sys} touches the linker.
 */
final class Libc {
    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LOOKUP = LINKER.defaultLookup();

    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    static final MemoryLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_HANDLE =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** Per-thread buffer that receives errno after each call; allocated once per thread. */
    private static final ThreadLocal<MemorySegment> ERRNO_STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private Libc() {}

    /** Binds a libc function whose errno the caller wants: the handle takes the capture segment first. */
    static MethodHandle errnoFunction(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LOOKUP.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no function " + name));
        return LINKER.downcallHandle(symbol, descriptor, CAPTURE_ERRNO);
    }

    /** Binds a libc function that cannot fail (or whose failure is not reported by errno). */
    static MethodHandle function(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LOOKUP.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no function " + name));
        return LINKER.downcallHandle(symbol, descriptor);
    }

    /** The capture segment for the calling thread; pass it as the first argument of an errno function. */
    static MemorySegment errnoState() {
        return ERRNO_STATE.get();
    }

    /** errno as the last call on this thread left it. */
    static int lastErrno() {
        return (int) ERRNO_HANDLE.get(ERRNO_STATE.get(), 0L);
    }

    /** Returns {@code rc}, or throws the captured errno when {@code rc == -1}. */
    static int check(int rc, String call) throws ErrnoException {
        if (rc == -1) throw new ErrnoException(call, lastErrno());
        return rc;
    }

    static long check(long rc, String call) throws ErrnoException {
        if (rc == -1) throw new ErrnoException(call, lastErrno());
        return rc;
    }

    static int check(int rc, String call, String path) throws ErrnoException {
        if (rc == -1) throw new ErrnoException(call, lastErrno(), path);
        return rc;
    }

    static long check(long rc, String call, String path) throws ErrnoException {
        if (rc == -1) throw new ErrnoException(call, lastErrno(), path);
        return rc;
    }

    /** Wraps a Throwable from invokeExact: natives do not throw, so anything here is a bug. */
    static AssertionError unexpected(Throwable t) {
        return new AssertionError("native call failed unexpectedly", t);
    }

    static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    static final ValueLayout.OfLong C_SIZE_T = ValueLayout.JAVA_LONG;
    static final ValueLayout C_POINTER = ValueLayout.ADDRESS;
}
