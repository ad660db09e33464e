package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_attr (88 bytes), embedded in entry, attr and direntplus replies. */
public final class FuseAttr {
    private FuseAttr() {}

    public static final int SIZE = 88;
    public static final long INO = 0, SIZE_FIELD = 8, BLOCKS = 16, ATIME = 24, MTIME = 32, CTIME = 40,
            ATIMENSEC = 48, MTIMENSEC = 52, CTIMENSEC = 56, MODE = 60, NLINK = 64, UID = 68, GID = 72,
            RDEV = 76, BLKSIZE = 80, FLAGS = 84;

    /** Writes a fuse_attr at {@code at}; times are seconds + nanoseconds, rdev in the kernel's 32-bit encoding. */
    public static void write(MemorySegment m, long at, long ino, long size, long blocks,
                             long atime, int atimensec, long mtime, int mtimensec, long ctime, int ctimensec,
                             int mode, int nlink, int uid, int gid, int rdev, int blksize) {
        m.set(U64, at + INO, ino);
        m.set(U64, at + SIZE_FIELD, size);
        m.set(U64, at + BLOCKS, blocks);
        m.set(U64, at + ATIME, atime);
        m.set(U64, at + MTIME, mtime);
        m.set(U64, at + CTIME, ctime);
        m.set(U32, at + ATIMENSEC, atimensec);
        m.set(U32, at + MTIMENSEC, mtimensec);
        m.set(U32, at + CTIMENSEC, ctimensec);
        m.set(U32, at + MODE, mode);
        m.set(U32, at + NLINK, nlink);
        m.set(U32, at + UID, uid);
        m.set(U32, at + GID, gid);
        m.set(U32, at + RDEV, rdev);
        m.set(U32, at + BLKSIZE, blksize);
        m.set(U32, at + FLAGS, 0);
    }

    public static long ino(MemorySegment m, long at) { return m.get(U64, at + INO); }
    public static long size(MemorySegment m, long at) { return m.get(U64, at + SIZE_FIELD); }
    public static long blocks(MemorySegment m, long at) { return m.get(U64, at + BLOCKS); }
    public static long atime(MemorySegment m, long at) { return m.get(U64, at + ATIME); }
    public static long mtime(MemorySegment m, long at) { return m.get(U64, at + MTIME); }
    public static long ctime(MemorySegment m, long at) { return m.get(U64, at + CTIME); }
    public static int atimensec(MemorySegment m, long at) { return m.get(U32, at + ATIMENSEC); }
    public static int mtimensec(MemorySegment m, long at) { return m.get(U32, at + MTIMENSEC); }
    public static int mode(MemorySegment m, long at) { return m.get(U32, at + MODE); }
    public static int nlink(MemorySegment m, long at) { return m.get(U32, at + NLINK); }
    public static int uid(MemorySegment m, long at) { return m.get(U32, at + UID); }
    public static int gid(MemorySegment m, long at) { return m.get(U32, at + GID); }
    public static int rdev(MemorySegment m, long at) { return m.get(U32, at + RDEV); }
    public static int blksize(MemorySegment m, long at) { return m.get(U32, at + BLKSIZE); }
}
