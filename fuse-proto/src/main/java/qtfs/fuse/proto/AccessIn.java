package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_access_in (8 bytes): an access(2) mask. */
public final class AccessIn {
    private AccessIn() {}

    public static final int SIZE = 8;

    public static int mask(MemorySegment b) { return b.get(U32, 0); }

    public static void write(MemorySegment b, int mask) {
        b.set(U32, 0, mask);
        b.set(U32, 4, 0);
    }
}
