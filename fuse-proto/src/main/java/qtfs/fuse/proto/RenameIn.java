package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/**
 * RENAME's struct fuse_rename_in (8 bytes) and RENAME2's struct fuse_rename2_in (16 bytes),
 * each followed by the old and the new name.
 */
public final class RenameIn {
    private RenameIn() {}

    public static final int SIZE = 8, RENAME2_SIZE = 16;

    public static long newdir(MemorySegment b) { return b.get(U64, 0); }
    /** RENAME2 only: RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_WHITEOUT. */
    public static int flags(MemorySegment b) { return b.get(U32, 8); }

    public static void write(MemorySegment b, long newdir) { b.set(U64, 0, newdir); }

    public static void writeRename2(MemorySegment b, long newdir, int flags) {
        b.set(U64, 0, newdir);
        b.set(U32, 8, flags);
        b.set(U32, 12, 0);
    }
}
