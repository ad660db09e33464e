package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_mkdir_in (8 bytes), followed by the name. */
public final class MkdirIn {
    private MkdirIn() {}

    public static final int SIZE = 8;

    public static int mode(MemorySegment b) { return b.get(U32, 0); }
    public static int umask(MemorySegment b) { return b.get(U32, 4); }

    public static void write(MemorySegment b, int mode, int umask) {
        b.set(U32, 0, mode);
        b.set(U32, 4, umask);
    }
}
