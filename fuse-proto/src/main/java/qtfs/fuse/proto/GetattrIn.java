package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_getattr_in (16 bytes). */
public final class GetattrIn {
    private GetattrIn() {}

    public static final int SIZE = 16;
    /** getattr_flags: {@code fh} names an open handle to use. */
    public static final int FUSE_GETATTR_FH = 1;

    public static int flags(MemorySegment body) { return body.get(U32, 0); }
    public static long fh(MemorySegment body) { return body.get(U64, 8); }

    public static void write(MemorySegment body, int flags, long fh) {
        body.set(U32, 0, flags);
        body.set(U32, 4, 0);
        body.set(U64, 8, fh);
    }
}
