package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_attr_out (104 bytes): the reply to GETATTR and SETATTR; attributes at {@link #ATTR}. */
public final class AttrOut {
    private AttrOut() {}

    public static final int SIZE = 104;
    public static final long ATTR_VALID = 0, ATTR_VALID_NSEC = 8, ATTR = 16;

    public static void write(MemorySegment m, long at, long attrValid, int attrValidNsec) {
        m.set(U64, at + ATTR_VALID, attrValid);
        m.set(U32, at + ATTR_VALID_NSEC, attrValidNsec);
        m.set(U32, at + ATTR_VALID_NSEC + 4, 0);
    }

    public static long attrValid(MemorySegment m, long at) { return m.get(U64, at + ATTR_VALID); }
}
