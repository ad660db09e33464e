package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_open_out (16 bytes): the reply to OPEN/OPENDIR, and the tail of CREATE's. */
public final class OpenOut {
    private OpenOut() {}

    public static final int SIZE = 16;
    public static final int FOPEN_DIRECT_IO = 1, FOPEN_KEEP_CACHE = 1 << 1, FOPEN_NONSEEKABLE = 1 << 2,
            FOPEN_CACHE_DIR = 1 << 3, FOPEN_STREAM = 1 << 4, FOPEN_NOFLUSH = 1 << 5,
            FOPEN_PARALLEL_DIRECT_WRITES = 1 << 6;

    public static void write(MemorySegment m, long at, long fh, int openFlags) {
        m.set(U64, at, fh);
        m.set(U32, at + 8, openFlags);
        m.set(U32, at + 12, 0);
    }

    public static long fh(MemorySegment m, long at) { return m.get(U64, at); }
    public static int openFlags(MemorySegment m, long at) { return m.get(U32, at + 8); }
}
