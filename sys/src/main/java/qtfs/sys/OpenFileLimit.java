package qtfs.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static qtfs.sys.Libc.C_INT;
import static qtfs.sys.Libc.C_POINTER;

/**
 * RLIMIT_NOFILE of this process: how many descriptors it may hold open. struct rlimit is two
 * 64-bit words and RLIMIT_NOFILE is 7 on x86_64 and aarch64 alike.
 */
public final class OpenFileLimit {
    private OpenFileLimit() {}

    private static final int RLIMIT_NOFILE = 7;
    private static final Path NR_OPEN = Path.of("/proc/sys/fs/nr_open");

    private static final MethodHandle GETRLIMIT = Libc.errnoFunction("getrlimit",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER));
    private static final MethodHandle SETRLIMIT = Libc.errnoFunction("setrlimit",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER));

    /** The soft limit and the hard limit. */
    public record Limits(long soft, long hard) {}

    public static Limits current() throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rl = arena.allocate(16, 8);
            Calls.checked("getrlimit", () -> (int) GETRLIMIT.invokeExact(Libc.errnoState(), RLIMIT_NOFILE, rl));
            return new Limits(rl.get(JAVA_LONG, 0), rl.get(JAVA_LONG, 8));
        }
    }

    /**
     * Raises the soft limit as far as this process may: to the kernel's per-process maximum
     * ({@code fs.nr_open}) when it is privileged to raise the hard limit too, else to the hard
     * limit. Never lowers a limit. Returns the limits in force afterwards.
     */
    public static Limits raiseToMaximum() throws ErrnoException {
        Limits now = current();
        long ceiling = kernelMaximum();
        if (ceiling > now.hard() && set(ceiling, ceiling)) return current();
        if (now.hard() > now.soft()) set(now.hard(), now.hard());
        return current();
    }

    /** false when the kernel refuses (EPERM: not allowed to raise the hard limit). */
    private static boolean set(long soft, long hard) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rl = arena.allocate(16, 8);
            rl.set(JAVA_LONG, 0, soft);
            rl.set(JAVA_LONG, 8, hard);
            Calls.checked("setrlimit", () -> (int) SETRLIMIT.invokeExact(Libc.errnoState(), RLIMIT_NOFILE, rl));
            return true;
        } catch (ErrnoException e) {
            if (e.is(Errno.EPERM)) return false;
            throw e;
        }
    }

    private static long kernelMaximum() {
        try {
            return Long.parseLong(Files.readString(NR_OPEN).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;   // unknown: stay within the hard limit
        }
    }
}
