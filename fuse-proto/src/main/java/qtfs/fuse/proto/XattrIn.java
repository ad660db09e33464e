package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static qtfs.fuse.proto.Le.*;

/**
 * Extended-attribute requests and reply: struct fuse_setxattr_in (8 bytes, or 16 when INIT
 * agreed on SETXATTR_EXT; then name and value), struct fuse_getxattr_in (8 bytes; then the
 * name for GETXATTR, nothing for LISTXATTR), and struct fuse_getxattr_out (8 bytes: the size
 * asked for by a size-0 probe).
 */
public final class XattrIn {
    private XattrIn() {}

    public static final int SETXATTR_COMPAT_SIZE = 8, SETXATTR_EXT_SIZE = 16, GETXATTR_SIZE = 8, GETXATTR_OUT_SIZE = 8;
    public static final int FUSE_SETXATTR_ACL_KILL_SGID = 1;

    public static int setSize(MemorySegment b) { return b.get(U32, 0); }
    public static int setFlags(MemorySegment b) { return b.get(U32, 4); }
    public static int setxattrFlags(MemorySegment b) { return b.get(U32, 8); }

    public static int getSize(MemorySegment b) { return b.get(U32, 0); }

    public static void writeSet(MemorySegment b, int size, int flags, boolean extended) {
        b.set(U32, 0, size);
        b.set(U32, 4, flags);
        if (extended) {
            b.set(U32, 8, 0);
            b.set(U32, 12, 0);
        }
    }

    public static void writeGet(MemorySegment b, int size) {
        b.set(U32, 0, size);
        b.set(U32, 4, 0);
    }

    public static void writeGetOut(MemorySegment m, long at, int size) {
        m.set(U32, at, size);
        m.set(U32, at + 4, 0);
    }

    public static int getOutSize(MemorySegment m, long at) { return m.get(U32, at); }
}
