package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/**
 * struct fuse_ioctl_in (32 bytes), followed by {@code in_size} bytes of argument; and
 * struct fuse_ioctl_out (16 bytes), which precedes the reply's argument bytes.
 */
public final class IoctlIn {
    private IoctlIn() {}

    public static final int SIZE = 32;
    public static final int OUT_SIZE = 16;

    /** fuse_ioctl_in.flags. */
    public static final int FUSE_IOCTL_COMPAT = 1, FUSE_IOCTL_UNRESTRICTED = 1 << 1, FUSE_IOCTL_RETRY = 1 << 2,
            FUSE_IOCTL_32BIT = 1 << 3, FUSE_IOCTL_DIR = 1 << 4, FUSE_IOCTL_COMPAT_X32 = 1 << 5;

    public static long fh(MemorySegment b) { return b.get(U64, 0); }
    public static int flags(MemorySegment b) { return b.get(U32, 8); }
    public static int cmd(MemorySegment b) { return b.get(U32, 12); }
    public static long arg(MemorySegment b) { return b.get(U64, 16); }
    public static int inSize(MemorySegment b) { return b.get(U32, 24); }
    public static int outSize(MemorySegment b) { return b.get(U32, 28); }

    public static void write(MemorySegment b, long fh, int flags, int cmd, long arg, int inSize, int outSize) {
        b.set(U64, 0, fh);
        b.set(U32, 8, flags);
        b.set(U32, 12, cmd);
        b.set(U64, 16, arg);
        b.set(U32, 24, inSize);
        b.set(U32, 28, outSize);
    }

    /** fuse_ioctl_out at {@code at}: the ioctl's return value (negative: -errno), no retry, no iovecs. */
    public static void writeOut(MemorySegment b, long at, int result) {
        b.set(U32, at, result);
        b.set(U32, at + 4, 0);
        b.set(U32, at + 8, 0);
        b.set(U32, at + 12, 0);
    }

    public static int outResult(MemorySegment b, long at) { return b.get(U32, at); }
}
