package qtfs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static qtfs.sys.Libc.C_INT;
import static qtfs.sys.Libc.C_POINTER;

/**
 * Record locks owned by an open file description (F_OFD_*: they conflict with every other
 * description and with classic POSIX locks of other processes) and flock(2). struct flock is
 * the same 32-byte layout on x86_64 and aarch64.
 */
@SuppressWarnings("restricted")
public final class Locks {
    private Locks() {}

    public static final int F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
    public static final int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
    private static final int F_OFD_GETLK = 36, F_OFD_SETLK = 37;

    /** A lock range; {@code length} 0 means "to the end of the file, however far it grows". */
    public record Lock(int type, long start, long length, int pid) {}

    private static final MethodHandle FCNTL = Libc.LINKER.downcallHandle(
            Libc.LOOKUP.find("fcntl").orElseThrow(() -> new UnsatisfiedLinkError("libc has no function fcntl")),
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_POINTER),
            Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));
    private static final MethodHandle FLOCK = Libc.errnoFunction("flock", FunctionDescriptor.of(C_INT, C_INT, C_INT));

    private static final ThreadLocal<MemorySegment> FLOCK_STRUCT = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(32, 8));

    /**
     * The first lock that would conflict with {@code type} over the range, or a lock of type
     * {@link #F_UNLCK} when there is none.
     */
    public static Lock ofdGet(int fd, int type, long start, long length) throws ErrnoException {
        MemorySegment f = fill(type, start, length);
        Calls.checked("fcntl(F_OFD_GETLK)", () -> (int) FCNTL.invokeExact(Libc.errnoState(), fd, F_OFD_GETLK, f));
        return new Lock(f.get(JAVA_SHORT, 0), f.get(JAVA_LONG, 8), f.get(JAVA_LONG, 16), f.get(JAVA_INT, 24));
    }

    /** Takes or releases ({@link #F_UNLCK}) a lock without waiting; EAGAIN when another holder conflicts. */
    public static void ofdSet(int fd, int type, long start, long length) throws ErrnoException {
        MemorySegment f = fill(type, start, length);
        Calls.checked("fcntl(F_OFD_SETLK)", () -> (int) FCNTL.invokeExact(Libc.errnoState(), fd, F_OFD_SETLK, f));
    }

    public static void flock(int fd, int operation) throws ErrnoException {
        Calls.checked("flock", () -> (int) FLOCK.invokeExact(Libc.errnoState(), fd, operation));
    }

    private static MemorySegment fill(int type, long start, long length) {
        MemorySegment f = FLOCK_STRUCT.get();
        f.fill((byte) 0);
        f.set(JAVA_SHORT, 0, (short) type);
        f.set(JAVA_SHORT, 2, (short) FileCalls.SEEK_SET);
        f.set(JAVA_LONG, 8, start);
        f.set(JAVA_LONG, 16, length);
        return f;
    }
}
