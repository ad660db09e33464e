package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_link_in (8 bytes), followed by the new name. */
public final class LinkIn {
    private LinkIn() {}

    public static final int SIZE = 8;

    public static long oldnodeid(MemorySegment b) { return b.get(U64, 0); }

    public static void write(MemorySegment b, long oldnodeid) { b.set(U64, 0, oldnodeid); }
}
