package qtfs.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

import static qtfs.sys.Libc.C_INT;

/** The kernel's id of the calling OS thread (gettid(2)), as fanotify reports it with FAN_REPORT_TID. */
public final class ThreadIds {
    private ThreadIds() {}

    private static final MethodHandle GETTID = Libc.function("gettid", FunctionDescriptor.of(C_INT));

    /** The calling thread's id; it cannot fail. A virtual thread gets its carrier's, which changes. */
    public static int current() {
        try {
            return (int) GETTID.invokeExact();
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }
}
