package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/** struct fuse_poll_in (24 bytes) and struct fuse_poll_out (8 bytes). */
public final class PollIn {
    private PollIn() {}

    public static final int SIZE = 24, OUT_SIZE = 8;
    /** The kernel waits: the file system is to send NOTIFY_POLL with {@link #kh} once an event is ready. */
    public static final int FUSE_POLL_SCHEDULE_NOTIFY = 1;

    public static long fh(MemorySegment b) { return b.get(U64, 0); }
    public static long kh(MemorySegment b) { return b.get(U64, 8); }
    public static int flags(MemorySegment b) { return b.get(U32, 16); }
    public static int events(MemorySegment b) { return b.get(U32, 20); }

    public static void write(MemorySegment b, long fh, long kh, int flags, int events) {
        b.set(U64, 0, fh);
        b.set(U64, 8, kh);
        b.set(U32, 16, flags);
        b.set(U32, 20, events);
    }

    public static void writeOut(MemorySegment m, long at, int revents) {
        m.set(U32, at, revents);
        m.set(U32, at + 4, 0);
    }

    public static int revents(MemorySegment m, long at) { return m.get(U32, at); }
}
