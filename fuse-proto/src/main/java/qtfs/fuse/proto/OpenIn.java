package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/**
 * OPEN/OPENDIR's struct fuse_open_in (8 bytes) and CREATE/TMPFILE's struct fuse_create_in
 * (16 bytes, followed by the name for CREATE).
 */
public final class OpenIn {
    private OpenIn() {}

    public static final int SIZE = 8, CREATE_SIZE = 16;
    /** open_flags: the caller lacks CAP_FSETID, so truncation must clear suid/sgid. */
    public static final int FUSE_OPEN_KILL_SUIDGID = 1;

    /** open(2) flags of the caller. */
    public static int flags(MemorySegment b) { return b.get(U32, 0); }
    public static int openFlags(MemorySegment b) { return b.get(U32, 4); }

    public static int createFlags(MemorySegment b) { return b.get(U32, 0); }
    public static int createMode(MemorySegment b) { return b.get(U32, 4); }
    public static int createUmask(MemorySegment b) { return b.get(U32, 8); }
    public static int createOpenFlags(MemorySegment b) { return b.get(U32, 12); }

    public static void write(MemorySegment b, int flags, int openFlags) {
        b.set(U32, 0, flags);
        b.set(U32, 4, openFlags);
    }

    public static void writeCreate(MemorySegment b, int flags, int mode, int umask, int openFlags) {
        b.set(U32, 0, flags);
        b.set(U32, 4, mode);
        b.set(U32, 8, umask);
        b.set(U32, 12, openFlags);
    }
}
