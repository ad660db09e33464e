package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/**
 * struct fuse_entry_out (128 bytes): the reply to LOOKUP, MKNOD, MKDIR, SYMLINK, LINK and the
 * first part of CREATE's; also the head of each READDIRPLUS entry. The attributes follow at
 * {@link #ATTR} and are written with {@link FuseAttr}.
 */
public final class EntryOut {
    private EntryOut() {}

    public static final int SIZE = 128;
    public static final long NODEID = 0, GENERATION = 8, ENTRY_VALID = 16, ATTR_VALID = 24,
            ENTRY_VALID_NSEC = 32, ATTR_VALID_NSEC = 36, ATTR = 40;

    public static void write(MemorySegment m, long at, long nodeid, long generation,
                             long entryValid, int entryValidNsec, long attrValid, int attrValidNsec) {
        m.set(U64, at + NODEID, nodeid);
        m.set(U64, at + GENERATION, generation);
        m.set(U64, at + ENTRY_VALID, entryValid);
        m.set(U64, at + ATTR_VALID, attrValid);
        m.set(U32, at + ENTRY_VALID_NSEC, entryValidNsec);
        m.set(U32, at + ATTR_VALID_NSEC, attrValidNsec);
    }

    public static long nodeid(MemorySegment m, long at) { return m.get(U64, at + NODEID); }
    public static long generation(MemorySegment m, long at) { return m.get(U64, at + GENERATION); }
    public static long entryValid(MemorySegment m, long at) { return m.get(U64, at + ENTRY_VALID); }
    public static long attrValid(MemorySegment m, long at) { return m.get(U64, at + ATTR_VALID); }
}
