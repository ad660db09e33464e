package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_interrupt_in (8 bytes): the unique id of the request to interrupt. */
public final class InterruptIn {
    private InterruptIn() {}

    public static final int SIZE = 8;

    public static long unique(MemorySegment b) { return b.get(U64, 0); }

    public static void write(MemorySegment b, long unique) { b.set(U64, 0, unique); }
}
