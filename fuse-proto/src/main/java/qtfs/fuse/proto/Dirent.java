package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/**
 * READDIR entries (struct fuse_dirent: 24 bytes + name, padded to 8) and READDIRPLUS entries
 * (struct fuse_direntplus: a {@link EntryOut} followed by a fuse_dirent). {@code off} is the
 * cookie that resumes the listing after this entry.
 */
public final class Dirent {
    private Dirent() {}

    public static final int NAME_OFFSET = 24;
    public static final int PLUS_DIRENT_OFFSET = EntryOut.SIZE;

    /** Bytes one READDIR entry with a name of {@code nameLength} bytes takes. */
    public static int size(int nameLength) { return align8(NAME_OFFSET + nameLength); }

    /** Bytes one READDIRPLUS entry with a name of {@code nameLength} bytes takes. */
    public static int plusSize(int nameLength) { return align8(PLUS_DIRENT_OFFSET + NAME_OFFSET + nameLength); }

    private static int align8(int n) { return (n + 7) & ~7; }

    /**
     * Writes the fuse_dirent part at {@code at}, copying the name from {@code name}, and zeroes
     * the padding; returns the offset after the entry.
     */
    public static long write(MemorySegment m, long at, long ino, long off, int type, MemorySegment name, int nameLength) {
        m.set(U64, at, ino);
        m.set(U64, at + 8, off);
        m.set(U32, at + 16, nameLength);
        m.set(U32, at + 20, type);
        MemorySegment.copy(name, 0, m, at + NAME_OFFSET, nameLength);
        long end = at + size(nameLength);
        for (long p = at + NAME_OFFSET + nameLength; p < end; p++) m.set(java.lang.foreign.ValueLayout.JAVA_BYTE, p, (byte) 0);
        return end;
    }

    public static long ino(MemorySegment m, long at) { return m.get(U64, at); }
    public static long off(MemorySegment m, long at) { return m.get(U64, at + 8); }
    public static int nameLength(MemorySegment m, long at) { return m.get(U32, at + 16); }
    public static int type(MemorySegment m, long at) { return m.get(U32, at + 20); }
}
