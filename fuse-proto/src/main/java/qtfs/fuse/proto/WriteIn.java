package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_write_in (40 bytes), followed by {@code size} bytes of data. */
public final class WriteIn {
    private WriteIn() {}

    public static final int SIZE = 40;
    public static final int FUSE_WRITE_CACHE = 1, FUSE_WRITE_LOCKOWNER = 1 << 1, FUSE_WRITE_KILL_SUIDGID = 1 << 2;

    public static long fh(MemorySegment b) { return b.get(U64, 0); }
    public static long offset(MemorySegment b) { return b.get(U64, 8); }
    public static int size(MemorySegment b) { return b.get(U32, 16); }
    public static int writeFlags(MemorySegment b) { return b.get(U32, 20); }
    public static long lockOwner(MemorySegment b) { return b.get(U64, 24); }
    public static int flags(MemorySegment b) { return b.get(U32, 32); }

    public static void write(MemorySegment b, long fh, long offset, int size, int writeFlags, int flags) {
        b.asSlice(0, SIZE).fill((byte) 0);
        b.set(U64, 0, fh);
        b.set(U64, 8, offset);
        b.set(U32, 16, size);
        b.set(U32, 20, writeFlags);
        b.set(U32, 32, flags);
    }
}
