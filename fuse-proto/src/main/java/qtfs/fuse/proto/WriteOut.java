package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_write_out (8 bytes): bytes written, for WRITE and COPY_FILE_RANGE. */
public final class WriteOut {
    private WriteOut() {}

    public static final int SIZE = 8;

    public static void write(MemorySegment m, long at, int size) {
        m.set(U32, at, size);
        m.set(U32, at + 4, 0);
    }

    public static int size(MemorySegment m, long at) { return m.get(U32, at); }
}
