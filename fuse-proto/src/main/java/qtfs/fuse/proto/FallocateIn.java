package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_fallocate_in (32 bytes); {@code mode} as fallocate(2). */
public final class FallocateIn {
    private FallocateIn() {}

    public static final int SIZE = 32;

    public static long fh(MemorySegment b) { return b.get(U64, 0); }
    public static long offset(MemorySegment b) { return b.get(U64, 8); }
    public static long length(MemorySegment b) { return b.get(U64, 16); }
    public static int mode(MemorySegment b) { return b.get(U32, 24); }

    public static void write(MemorySegment b, long fh, long offset, long length, int mode) {
        b.set(U64, 0, fh);
        b.set(U64, 8, offset);
        b.set(U64, 16, length);
        b.set(U32, 24, mode);
        b.set(U32, 28, 0);
    }
}
