package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_fsync_in (16 bytes), for FSYNC and FSYNCDIR. */
public final class FsyncIn {
    private FsyncIn() {}

    public static final int SIZE = 16;
    public static final int FUSE_FSYNC_FDATASYNC = 1;

    public static long fh(MemorySegment b) { return b.get(U64, 0); }
    public static int fsyncFlags(MemorySegment b) { return b.get(U32, 8); }

    public static void write(MemorySegment b, long fh, int fsyncFlags) {
        b.set(U64, 0, fh);
        b.set(U32, 8, fsyncFlags);
        b.set(U32, 12, 0);
    }
}
