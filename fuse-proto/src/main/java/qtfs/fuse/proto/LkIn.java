package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/**
 * GETLK/SETLK/SETLKW: struct fuse_lk_in (48 bytes) with its struct fuse_file_lock at 16, and
 * the reply struct fuse_lk_out (24 bytes: one fuse_file_lock). A lock's {@code end} is
 * inclusive; {@link #OFFSET_MAX} means "to the end of the file".
 */
public final class LkIn {
    private LkIn() {}

    public static final int SIZE = 48, OUT_SIZE = 24;
    public static final int FUSE_LK_FLOCK = 1;
    public static final long OFFSET_MAX = Long.MAX_VALUE;

    public static long fh(MemorySegment b) { return b.get(U64, 0); }
    public static long owner(MemorySegment b) { return b.get(U64, 8); }
    public static long start(MemorySegment b) { return b.get(U64, 16); }
    public static long end(MemorySegment b) { return b.get(U64, 24); }
    public static int type(MemorySegment b) { return b.get(U32, 32); }
    public static int pid(MemorySegment b) { return b.get(U32, 36); }
    public static int lkFlags(MemorySegment b) { return b.get(U32, 40); }

    public static void write(MemorySegment b, long fh, long owner, long start, long end, int type, int pid, int lkFlags) {
        b.set(U64, 0, fh);
        b.set(U64, 8, owner);
        writeLock(b, 16, start, end, type, pid);
        b.set(U32, 40, lkFlags);
        b.set(U32, 44, 0);
    }

    /** A struct fuse_file_lock at {@code at} (the whole of a fuse_lk_out). */
    public static void writeLock(MemorySegment m, long at, long start, long end, int type, int pid) {
        m.set(U64, at, start);
        m.set(U64, at + 8, end);
        m.set(U32, at + 16, type);
        m.set(U32, at + 20, pid);
    }

    public static long outStart(MemorySegment m, long at) { return m.get(U64, at); }
    public static long outEnd(MemorySegment m, long at) { return m.get(U64, at + 8); }
    public static int outType(MemorySegment m, long at) { return m.get(U32, at + 16); }
    public static int outPid(MemorySegment m, long at) { return m.get(U32, at + 20); }
}
