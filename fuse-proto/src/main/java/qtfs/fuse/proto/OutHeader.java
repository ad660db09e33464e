package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_out_header: the 16 bytes in front of every reply and notification. */
public final class OutHeader {
    private OutHeader() {}

    public static final int SIZE = 16;
    public static final long LEN = 0, ERROR = 4, UNIQUE = 8;

    public static int len(MemorySegment m) { return m.get(U32, LEN); }
    /** Zero, or a negative errno. */
    public static int error(MemorySegment m) { return m.get(U32, ERROR); }
    public static long unique(MemorySegment m) { return m.get(U64, UNIQUE); }

    public static void write(MemorySegment m, int len, int error, long unique) {
        m.set(U32, LEN, len);
        m.set(U32, ERROR, error);
        m.set(U64, UNIQUE, unique);
    }
}
