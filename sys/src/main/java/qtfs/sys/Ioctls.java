package qtfs.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static qtfs.sys.Libc.C_INT;
import static qtfs.sys.Libc.C_LONG;
import static qtfs.sys.Libc.C_POINTER;

/**
 * ioctl(2) with a pointer argument. Command numbers use the asm-generic encoding (direction,
 * size, type, number), which x86_64 and aarch64 share, so one number means the same on both.
 */
public final class Ioctls {
    private Ioctls() {}

    public static final int IOC_NONE = 0, IOC_WRITE = 1, IOC_READ = 2;

    /** _IOC(dir, type, nr, size). */
    public static int command(int dir, int type, int nr, int size) {
        if (size < 0 || size >= 1 << 14) throw new IllegalArgumentException("ioctl argument size " + size + " out of range");
        return dir << 30 | size << 16 | (type & 0xff) << 8 | (nr & 0xff);
    }

    public static int direction(int cmd) { return cmd >>> 30; }
    public static int size(int cmd) { return (cmd >>> 16) & 0x3fff; }

    /**
     * File attribute flags (chattr/lsattr). The commands name a long, but the kernel reads and
     * writes an int; 32-bit callers use the FS_IOC32_* numbers with the size of an int.
     */
    public static final int FS_IOC_GETFLAGS = command(IOC_READ, 'f', 1, 8);
    public static final int FS_IOC_SETFLAGS = command(IOC_WRITE, 'f', 2, 8);
    public static final int FS_IOC32_GETFLAGS = command(IOC_READ, 'f', 1, 4);
    public static final int FS_IOC32_SETFLAGS = command(IOC_WRITE, 'f', 2, 4);
    /** struct fsxattr: five u32 and 8 bytes of padding, the same on every architecture. */
    public static final int FSXATTR_SIZE = 28;
    public static final int FS_IOC_FSGETXATTR = command(IOC_READ, 'X', 31, FSXATTR_SIZE);
    public static final int FS_IOC_FSSETXATTR = command(IOC_WRITE, 'X', 32, FSXATTR_SIZE);
    /** Bytes readable without blocking (an int); also FIONREAD. */
    public static final int FIONREAD = 0x541b;

    private static final MethodHandle IOCTL = Libc.LINKER.downcallHandle(
            Libc.LOOKUP.find("ioctl").orElseThrow(() -> new UnsatisfiedLinkError("libc has no function ioctl")),
            FunctionDescriptor.of(C_INT, C_INT, C_LONG, C_POINTER),
            Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));

    /**
     * ioctl(fd, cmd, arg); returns what the call returns. {@code name} names the command in the
     * exception, {@code path} the file.
     */
    public static int ioctl(int fd, int cmd, MemorySegment arg, String name, String path) throws ErrnoException {
        int rc;
        try {
            rc = (int) IOCTL.invokeExact(Libc.errnoState(), fd, Integer.toUnsignedLong(cmd), arg);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        return Libc.check(rc, "ioctl(" + name + ")", path);
    }
}
