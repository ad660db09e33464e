package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_setattr_in (88 bytes); {@code valid} says which fields are meant (FATTR_*). */
public final class SetattrIn {
    private SetattrIn() {}

    public static final int SIZE = 88;
    public static final int FATTR_MODE = 1, FATTR_UID = 1 << 1, FATTR_GID = 1 << 2, FATTR_SIZE = 1 << 3,
            FATTR_ATIME = 1 << 4, FATTR_MTIME = 1 << 5, FATTR_FH = 1 << 6, FATTR_ATIME_NOW = 1 << 7,
            FATTR_MTIME_NOW = 1 << 8, FATTR_LOCKOWNER = 1 << 9, FATTR_CTIME = 1 << 10, FATTR_KILL_SUIDGID = 1 << 11;
    public static final long VALID = 0, FH = 8, SIZE_FIELD = 16, LOCK_OWNER = 24, ATIME = 32, MTIME = 40, CTIME = 48,
            ATIMENSEC = 56, MTIMENSEC = 60, CTIMENSEC = 64, MODE = 68, UID = 76, GID = 80;

    public static int valid(MemorySegment b) { return b.get(U32, VALID); }
    public static long fh(MemorySegment b) { return b.get(U64, FH); }
    public static long size(MemorySegment b) { return b.get(U64, SIZE_FIELD); }
    public static long lockOwner(MemorySegment b) { return b.get(U64, LOCK_OWNER); }
    public static long atime(MemorySegment b) { return b.get(U64, ATIME); }
    public static long mtime(MemorySegment b) { return b.get(U64, MTIME); }
    public static int atimensec(MemorySegment b) { return b.get(U32, ATIMENSEC); }
    public static int mtimensec(MemorySegment b) { return b.get(U32, MTIMENSEC); }
    public static int mode(MemorySegment b) { return b.get(U32, MODE); }
    public static int uid(MemorySegment b) { return b.get(U32, UID); }
    public static int gid(MemorySegment b) { return b.get(U32, GID); }

    /** Writes a whole setattr_in: fields not named in {@code valid} are written as given (normally 0). */
    public static void write(MemorySegment b, int valid, long fh, long size, long atime, int atimensec,
                             long mtime, int mtimensec, int mode, int uid, int gid) {
        b.asSlice(0, SIZE).fill((byte) 0);
        b.set(U32, VALID, valid);
        b.set(U64, FH, fh);
        b.set(U64, SIZE_FIELD, size);
        b.set(U64, ATIME, atime);
        b.set(U64, MTIME, mtime);
        b.set(U32, ATIMENSEC, atimensec);
        b.set(U32, MTIMENSEC, mtimensec);
        b.set(U32, MODE, mode);
        b.set(U32, UID, uid);
        b.set(U32, GID, gid);
    }
}
