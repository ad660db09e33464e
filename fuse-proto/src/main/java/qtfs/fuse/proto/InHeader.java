package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/**
 * struct fuse_in_header: the 40 bytes in front of every request. Accessors read a request
 * in place from a segment (little-endian, as the FUSE protocol is on every Linux we run on).
 */
public final class InHeader {
    private InHeader() {}

    public static final int SIZE = 40;
    public static final long LEN = 0, OPCODE = 4, UNIQUE = 8, NODEID = 16, UID = 24, GID = 28, PID = 32,
            TOTAL_EXTLEN = 36;

    public static int len(MemorySegment m) { return m.get(U32, LEN); }
    public static int opcode(MemorySegment m) { return m.get(U32, OPCODE); }
    public static long unique(MemorySegment m) { return m.get(U64, UNIQUE); }
    public static long nodeid(MemorySegment m) { return m.get(U64, NODEID); }
    public static int uid(MemorySegment m) { return m.get(U32, UID); }
    public static int gid(MemorySegment m) { return m.get(U32, GID); }
    public static int pid(MemorySegment m) { return m.get(U32, PID); }
    public static int totalExtlen(MemorySegment m) { return m.get(U16, TOTAL_EXTLEN) & 0xffff; }

    public static void write(MemorySegment m, int len, int opcode, long unique, long nodeid, int uid, int gid, int pid) {
        m.set(U32, LEN, len);
        m.set(U32, OPCODE, opcode);
        m.set(U64, UNIQUE, unique);
        m.set(U64, NODEID, nodeid);
        m.set(U32, UID, uid);
        m.set(U32, GID, gid);
        m.set(U32, PID, pid);
        m.set(U16, TOTAL_EXTLEN, (short) 0);
        m.set(U16, TOTAL_EXTLEN + 2, (short) 0);
    }
}
