package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_mknod_in (16 bytes), followed by the name. */
public final class MknodIn {
    private MknodIn() {}

    public static final int SIZE = 16;

    public static int mode(MemorySegment b) { return b.get(U32, 0); }
    public static int rdev(MemorySegment b) { return b.get(U32, 4); }
    public static int umask(MemorySegment b) { return b.get(U32, 8); }

    public static void write(MemorySegment b, int mode, int rdev, int umask) {
        b.set(U32, 0, mode);
        b.set(U32, 4, rdev);
        b.set(U32, 8, umask);
        b.set(U32, 12, 0);
    }
}
