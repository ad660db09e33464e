package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_init_out: the answer to FUSE_INIT (after the out header), 64 bytes since 7.23. */
public final class InitOut {
    private InitOut() {}

    public static final int SIZE = 64;
    public static final long MAJOR = 0, MINOR = 4, MAX_READAHEAD = 8, FLAGS = 12, MAX_BACKGROUND = 16,
            CONGESTION_THRESHOLD = 18, MAX_WRITE = 20, TIME_GRAN = 24, MAX_PAGES = 28, MAP_ALIGNMENT = 30,
            FLAGS2 = 32;

    public static int major(MemorySegment body) { return body.get(U32, MAJOR); }
    public static int minor(MemorySegment body) { return body.get(U32, MINOR); }
    public static int maxReadahead(MemorySegment body) { return body.get(U32, MAX_READAHEAD); }
    /** flags | flags2 << 32 (flags2 counts only with {@link InitFlags#INIT_EXT}, as the kernel reads it). */
    public static long flags(MemorySegment body) {
        long low = body.get(U32, FLAGS) & 0xffffffffL;
        if ((low & InitFlags.INIT_EXT) == 0) return low;
        return low | (body.get(U32, FLAGS2) & 0xffffffffL) << 32;
    }
    public static int maxBackground(MemorySegment body) { return body.get(U16, MAX_BACKGROUND) & 0xffff; }
    public static int congestionThreshold(MemorySegment body) { return body.get(U16, CONGESTION_THRESHOLD) & 0xffff; }
    public static int maxWrite(MemorySegment body) { return body.get(U32, MAX_WRITE); }
    public static int timeGran(MemorySegment body) { return body.get(U32, TIME_GRAN); }
    public static int maxPages(MemorySegment body) { return body.get(U16, MAX_PAGES) & 0xffff; }

    /** Writes all 64 bytes; {@code flags} holds both halves (the upper one goes to flags2). */
    public static void write(MemorySegment body, int major, int minor, int maxReadahead, long flags,
            int maxBackground, int congestionThreshold, int maxWrite, int timeGran, int maxPages) {
        body.asSlice(0, SIZE).fill((byte) 0);
        body.set(U32, MAJOR, major);
        body.set(U32, MINOR, minor);
        body.set(U32, MAX_READAHEAD, maxReadahead);
        body.set(U32, FLAGS, (int) flags);
        body.set(U16, MAX_BACKGROUND, (short) maxBackground);
        body.set(U16, CONGESTION_THRESHOLD, (short) congestionThreshold);
        body.set(U32, MAX_WRITE, maxWrite);
        body.set(U32, TIME_GRAN, timeGran);
        body.set(U16, MAX_PAGES, (short) maxPages);
        body.set(U16, MAP_ALIGNMENT, (short) 0);
        body.set(U32, FLAGS2, (int) (flags >>> 32));
    }
}
