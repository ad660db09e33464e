package qtfs.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static qtfs.sys.Libc.C_INT;
import static qtfs.sys.Libc.C_LONG;
import static qtfs.sys.Libc.C_POINTER;
import static qtfs.sys.Libc.C_SIZE_T;

/**
 * Extended attributes of the inode held by a descriptor (O_PATH included, symlinks too):
 * the calls go through the descriptor's magic link, which f*xattr on an O_PATH descriptor
 * cannot. Names are NUL-terminated native strings; a size of 0 asks for the needed size.
 */
public final class Xattrs {
    private Xattrs() {}

    public static final int XATTR_CREATE = 1, XATTR_REPLACE = 2;

    private static final MethodHandle GETXATTR = Libc.errnoFunction("getxattr",
            FunctionDescriptor.of(C_LONG, C_POINTER, C_POINTER, C_POINTER, C_SIZE_T));
    private static final MethodHandle SETXATTR = Libc.errnoFunction("setxattr",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_SIZE_T, C_INT));
    private static final MethodHandle LISTXATTR = Libc.errnoFunction("listxattr",
            FunctionDescriptor.of(C_LONG, C_POINTER, C_POINTER, C_SIZE_T));
    private static final MethodHandle REMOVEXATTR = Libc.errnoFunction("removexattr",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /** The value's length; the value is copied into {@code buf} unless {@code size} is 0. */
    public static long get(int fd, MemorySegment name, MemorySegment buf, long size) throws ErrnoException {
        MemorySegment path = ProcSelf.fdPath(fd);
        return Calls.checked("getxattr", () -> (long) GETXATTR.invokeExact(Libc.errnoState(), path, name, buf, size));
    }

    public static void set(int fd, MemorySegment name, MemorySegment value, long size, int flags) throws ErrnoException {
        MemorySegment path = ProcSelf.fdPath(fd);
        Calls.checked("setxattr", () -> (int) SETXATTR.invokeExact(Libc.errnoState(), path, name, value, size, flags));
    }

    /** The length of the NUL-separated name list; copied into {@code buf} unless {@code size} is 0. */
    public static long list(int fd, MemorySegment buf, long size) throws ErrnoException {
        MemorySegment path = ProcSelf.fdPath(fd);
        return Calls.checked("listxattr", () -> (long) LISTXATTR.invokeExact(Libc.errnoState(), path, buf, size));
    }

    public static void remove(int fd, MemorySegment name) throws ErrnoException {
        MemorySegment path = ProcSelf.fdPath(fd);
        Calls.checked("removexattr", () -> (int) REMOVEXATTR.invokeExact(Libc.errnoState(), path, name));
    }
}
