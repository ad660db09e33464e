package qtfs.sys;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * Reads struct linux_dirent64 records as {@link FileCalls#getdents64} leaves them: the same
 * layout on every architecture, in native byte order.
 */
public final class Dirents {
    private Dirents() {}

    public static final int DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6, DT_REG = 8,
            DT_LNK = 10, DT_SOCK = 12;
    private static final long NAME = 19;

    public static long ino(MemorySegment buf, long at) { return buf.get(JAVA_LONG_UNALIGNED, at); }
    /** The position cookie of the entry after this one (what lseek accepts to resume there). */
    public static long off(MemorySegment buf, long at) { return buf.get(JAVA_LONG_UNALIGNED, at + 8); }
    public static int reclen(MemorySegment buf, long at) { return Short.toUnsignedInt(buf.get(JAVA_SHORT_UNALIGNED, at + 16)); }
    public static int type(MemorySegment buf, long at) { return Byte.toUnsignedInt(buf.get(JAVA_BYTE, at + 18)); }
    public static long nameOffset(long at) { return at + NAME; }

    /** Length of the entry's name (up to its NUL). */
    public static int nameLength(MemorySegment buf, long at) {
        long start = at + NAME, end = at + reclen(buf, at);
        long i = start;
        while (i < end && buf.get(JAVA_BYTE, i) != 0) i++;
        return (int) (i - start);
    }
}
