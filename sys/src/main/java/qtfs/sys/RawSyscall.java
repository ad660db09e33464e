package qtfs.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import static qtfs.sys.Libc.C_LONG;

/**
 * syscall(2) for the few calls whose glibc wrappers must be bypassed: glibc's setgroups
 * applies the change to every thread of the process, while qtfsd needs per-thread
 * credentials; faccessat2 has no wrapper in older glibc. Numbers differ per architecture.
 */
@SuppressWarnings("restricted")
final class RawSyscall {
    private RawSyscall() {}

    private static final MethodHandle SYSCALL = Libc.LINKER.downcallHandle(
            Libc.LOOKUP.find("syscall").orElseThrow(() -> new UnsatisfiedLinkError("libc has no function syscall")),
            FunctionDescriptor.of(C_LONG, C_LONG, C_LONG, C_LONG, C_LONG, C_LONG),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));

    private static final boolean X86 = Arch.current() == Arch.X86_64;
    static final long SETGROUPS = X86 ? 116 : 159;
    static final long SETFSUID = X86 ? 122 : 151;
    static final long SETFSGID = X86 ? 123 : 152;
    static final long CAPGET = X86 ? 125 : 90;
    static final long CAPSET = X86 ? 126 : 91;
    static final long FACCESSAT2 = 439;   // same number on every architecture (unified table)

    /** Calls syscall {@code nr} with up to four arguments; returns the raw result (-1 and errno on failure). */
    static long call(long nr, long a, long b, long c, long d) {
        try {
            return (long) SYSCALL.invokeExact(Libc.errnoState(), nr, a, b, c, d);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }
}
