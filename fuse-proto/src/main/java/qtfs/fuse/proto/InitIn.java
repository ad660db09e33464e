package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/**
 * struct fuse_init_in: the kernel's offer in FUSE_INIT (after the in header). Kernels before
 * 7.36 send only the first 16 bytes; {@code flags2} (the upper 32 capability bits) exists
 * only when the body is {@link #SIZE} bytes and {@code flags} has {@link InitFlags#INIT_EXT}.
 */
public final class InitIn {
    private InitIn() {}

    public static final int COMPAT_SIZE = 16, SIZE = 64;
    public static final long MAJOR = 0, MINOR = 4, MAX_READAHEAD = 8, FLAGS = 12, FLAGS2 = 16;

    public static int major(MemorySegment body) { return body.get(U32, MAJOR); }
    public static int minor(MemorySegment body) { return body.get(U32, MINOR); }
    public static int maxReadahead(MemorySegment body) { return body.get(U32, MAX_READAHEAD); }

    /** All capability bits offered: flags, plus flags2 shifted up when the body carries it. */
    public static long flags(MemorySegment body) {
        long low = body.get(U32, FLAGS) & 0xffffffffL;
        if ((low & InitFlags.INIT_EXT) == 0 || body.byteSize() < SIZE) return low;
        return low | (body.get(U32, FLAGS2) & 0xffffffffL) << 32;
    }

    /** Writes a full 64-byte body, as a 7.36+ kernel sends it. */
    public static void write(MemorySegment body, int major, int minor, int maxReadahead, long flags) {
        body.asSlice(0, SIZE).fill((byte) 0);
        body.set(U32, MAJOR, major);
        body.set(U32, MINOR, minor);
        body.set(U32, MAX_READAHEAD, maxReadahead);
        body.set(U32, FLAGS, (int) flags);
        body.set(U32, FLAGS2, (int) (flags >>> 32));
    }
}
