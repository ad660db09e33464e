package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_release_in (24 bytes), for RELEASE and RELEASEDIR. */
public final class ReleaseIn {
    private ReleaseIn() {}

    public static final int SIZE = 24;
    public static final int FUSE_RELEASE_FLUSH = 1, FUSE_RELEASE_FLOCK_UNLOCK = 1 << 1;

    public static long fh(MemorySegment b) { return b.get(U64, 0); }
    public static int flags(MemorySegment b) { return b.get(U32, 8); }
    public static int releaseFlags(MemorySegment b) { return b.get(U32, 12); }
    public static long lockOwner(MemorySegment b) { return b.get(U64, 16); }

    public static void write(MemorySegment b, long fh, int flags, int releaseFlags, long lockOwner) {
        b.set(U64, 0, fh);
        b.set(U32, 8, flags);
        b.set(U32, 12, releaseFlags);
        b.set(U64, 16, lockOwner);
    }
}
