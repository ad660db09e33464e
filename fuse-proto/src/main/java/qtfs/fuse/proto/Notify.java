package qtfs.fuse.proto;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static qtfs.fuse.proto.Le.*;

/**
 * Notifications a file system sends the kernel unasked: a fuse_out_header with unique 0 and
 * the notify code in its error field, then the code's struct.
 */
public final class Notify {
    private Notify() {}

    /** enum fuse_notify_code. */
    public static final int POLL = 1, INVAL_INODE = 2, INVAL_ENTRY = 3;

    /** fuse_out_header + struct fuse_notify_poll_wakeup_out. */
    public static final int POLL_SIZE = OutHeader.SIZE + 8;
    /** fuse_out_header + struct fuse_notify_inval_inode_out. */
    public static final int INVAL_INODE_SIZE = OutHeader.SIZE + 24;
    /** fuse_out_header + struct fuse_notify_inval_entry_out, before the name and its NUL. */
    public static final int INVAL_ENTRY_HEADER_SIZE = OutHeader.SIZE + 16;

    /**
     * The kernel forgets the attributes of node {@code nodeid}, and its cached data from
     * {@code offset} on ({@code length} bytes, or to the end when 0; no data when offset is
     * negative). Written at the start of {@code m}; returns its size.
     */
    public static int invalInode(MemorySegment m, long nodeid, long offset, long length) {
        OutHeader.write(m, INVAL_INODE_SIZE, INVAL_INODE, 0);
        m.set(U64, OutHeader.SIZE, nodeid);
        m.set(U64, OutHeader.SIZE + 8, offset);
        m.set(U64, OutHeader.SIZE + 16, length);
        return INVAL_INODE_SIZE;
    }

    /**
     * The kernel forgets the name {@code name} ({@code name.length} bytes, no NUL) in directory
     * node {@code parent}. Written at the start of {@code m}; returns its size.
     */
    public static int invalEntry(MemorySegment m, long parent, byte[] name) {
        int size = INVAL_ENTRY_HEADER_SIZE + name.length + 1;
        OutHeader.write(m, size, INVAL_ENTRY, 0);
        m.set(U64, OutHeader.SIZE, parent);
        m.set(U32, OutHeader.SIZE + 8, name.length);
        m.set(U32, OutHeader.SIZE + 12, 0);
        MemorySegment.copy(name, 0, m, JAVA_BYTE, INVAL_ENTRY_HEADER_SIZE, name.length);
        m.set(JAVA_BYTE, INVAL_ENTRY_HEADER_SIZE + name.length, (byte) 0);
        return size;
    }

    /**
     * The kernel wakes whoever polls the file it gave poll handle {@code kh} (in a POLL with
     * FUSE_POLL_SCHEDULE_NOTIFY); they poll again. Written at the start of {@code m}; returns its size.
     */
    public static int pollWakeup(MemorySegment m, long kh) {
        OutHeader.write(m, POLL_SIZE, POLL, 0);
        m.set(U64, OutHeader.SIZE, kh);
        return POLL_SIZE;
    }

    /** The notify code of a notification (its out header's error field). */
    public static int code(MemorySegment m) {
        return OutHeader.error(m);
    }
}
