package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_lseek_in (24 bytes) and the reply struct fuse_lseek_out (8 bytes: the new offset). */
public final class LseekIn {
    private LseekIn() {}

    public static final int SIZE = 24, OUT_SIZE = 8;

    public static long fh(MemorySegment b) { return b.get(U64, 0); }
    public static long offset(MemorySegment b) { return b.get(U64, 8); }
    public static int whence(MemorySegment b) { return b.get(U32, 16); }

    public static void write(MemorySegment b, long fh, long offset, int whence) {
        b.set(U64, 0, fh);
        b.set(U64, 8, offset);
        b.set(U32, 16, whence);
        b.set(U32, 20, 0);
    }

    public static void writeOut(MemorySegment m, long at, long offset) { m.set(U64, at, offset); }

    public static long outOffset(MemorySegment m, long at) { return m.get(U64, at); }
}
