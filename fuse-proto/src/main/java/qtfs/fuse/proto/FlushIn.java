package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_flush_in (24 bytes): sent at every close(2) of a file, with the closer's lock owner. */
public final class FlushIn {
    private FlushIn() {}

    public static final int SIZE = 24;

    public static long fh(MemorySegment b) { return b.get(U64, 0); }
    public static long lockOwner(MemorySegment b) { return b.get(U64, 16); }

    public static void write(MemorySegment b, long fh, long lockOwner) {
        b.set(U64, 0, fh);
        b.set(U64, 8, 0L);
        b.set(U64, 16, lockOwner);
    }
}
