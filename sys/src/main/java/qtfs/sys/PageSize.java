package qtfs.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

import static qtfs.sys.Libc.C_INT;

/** The kernel's page size: 4 KiB on x86_64, 4, 16 or 64 KiB on aarch64. */
public final class PageSize {
    private PageSize() {}

    private static final int VALUE;

    static {
        MethodHandle getpagesize = Libc.function("getpagesize", FunctionDescriptor.of(C_INT));
        try {
            VALUE = (int) getpagesize.invokeExact();
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    public static int get() {
        return VALUE;
    }
}
