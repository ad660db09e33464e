package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/**
 * FORGET and BATCH_FORGET bodies: struct fuse_forget_in (8 bytes), and struct
 * fuse_batch_forget_in (8 bytes) followed by {@code count} struct fuse_forget_one (16 bytes).
 */
public final class ForgetIn {
    private ForgetIn() {}

    public static final int SIZE = 8, BATCH_SIZE = 8, ONE_SIZE = 16;

    public static long nlookup(MemorySegment body) { return body.get(U64, 0); }

    public static int batchCount(MemorySegment body) { return body.get(U32, 0); }
    /** The node id of the {@code i}-th entry of a batch. */
    public static long batchNodeid(MemorySegment body, int i) { return body.get(U64, BATCH_SIZE + (long) i * ONE_SIZE); }
    public static long batchNlookup(MemorySegment body, int i) { return body.get(U64, BATCH_SIZE + (long) i * ONE_SIZE + 8); }

    public static void write(MemorySegment body, long nlookup) { body.set(U64, 0, nlookup); }

    public static void writeBatch(MemorySegment body, long[] nodeids, long[] nlookups) {
        body.set(U32, 0, nodeids.length);
        body.set(U32, 4, 0);
        for (int i = 0; i < nodeids.length; i++) {
            body.set(U64, BATCH_SIZE + (long) i * ONE_SIZE, nodeids[i]);
            body.set(U64, BATCH_SIZE + (long) i * ONE_SIZE + 8, nlookups[i]);
        }
    }
}
