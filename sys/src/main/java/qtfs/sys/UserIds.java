package qtfs.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

import static qtfs.sys.Libc.C_INT;

/** The calling process's user and group ids (these calls cannot fail). */
public final class UserIds {
    private UserIds() {}

    private static final MethodHandle GETUID = Libc.function("getuid", FunctionDescriptor.of(C_INT));
    private static final MethodHandle GETEUID = Libc.function("geteuid", FunctionDescriptor.of(C_INT));
    private static final MethodHandle GETGID = Libc.function("getgid", FunctionDescriptor.of(C_INT));
    private static final MethodHandle GETEGID = Libc.function("getegid", FunctionDescriptor.of(C_INT));

    public static int uid() { return call(GETUID); }
    public static int euid() { return call(GETEUID); }
    public static int gid() { return call(GETGID); }
    public static int egid() { return call(GETEGID); }

    private static int call(MethodHandle handle) {
        try {
            return (int) handle.invokeExact();
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }
}
