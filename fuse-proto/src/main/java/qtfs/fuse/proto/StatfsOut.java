package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_statfs_out = struct fuse_kstatfs (80 bytes). */
public final class StatfsOut {
    private StatfsOut() {}

    public static final int SIZE = 80;

    public static void write(MemorySegment m, long at, long blocks, long bfree, long bavail, long files, long ffree,
                             int bsize, int namelen, int frsize) {
        m.asSlice(at, SIZE).fill((byte) 0);
        m.set(U64, at, blocks);
        m.set(U64, at + 8, bfree);
        m.set(U64, at + 16, bavail);
        m.set(U64, at + 24, files);
        m.set(U64, at + 32, ffree);
        m.set(U32, at + 40, bsize);
        m.set(U32, at + 44, namelen);
        m.set(U32, at + 48, frsize);
    }

    public static long blocks(MemorySegment m, long at) { return m.get(U64, at); }
    public static long bfree(MemorySegment m, long at) { return m.get(U64, at + 8); }
    public static long bavail(MemorySegment m, long at) { return m.get(U64, at + 16); }
    public static long files(MemorySegment m, long at) { return m.get(U64, at + 24); }
    public static int bsize(MemorySegment m, long at) { return m.get(U32, at + 40); }
    public static int namelen(MemorySegment m, long at) { return m.get(U32, at + 44); }
}
