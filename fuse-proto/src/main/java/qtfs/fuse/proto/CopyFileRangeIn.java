package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_copy_file_range_in (56 bytes); the reply is a {@link WriteOut}. */
public final class CopyFileRangeIn {
    private CopyFileRangeIn() {}

    public static final int SIZE = 56;

    public static long fhIn(MemorySegment b) { return b.get(U64, 0); }
    public static long offIn(MemorySegment b) { return b.get(U64, 8); }
    public static long nodeidOut(MemorySegment b) { return b.get(U64, 16); }
    public static long fhOut(MemorySegment b) { return b.get(U64, 24); }
    public static long offOut(MemorySegment b) { return b.get(U64, 32); }
    public static long len(MemorySegment b) { return b.get(U64, 40); }
    public static long flags(MemorySegment b) { return b.get(U64, 48); }

    public static void write(MemorySegment b, long fhIn, long offIn, long nodeidOut, long fhOut, long offOut,
                             long len, long flags) {
        b.set(U64, 0, fhIn);
        b.set(U64, 8, offIn);
        b.set(U64, 16, nodeidOut);
        b.set(U64, 24, fhOut);
        b.set(U64, 32, offOut);
        b.set(U64, 40, len);
        b.set(U64, 48, flags);
    }
}
