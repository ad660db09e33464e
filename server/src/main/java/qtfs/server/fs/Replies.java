package qtfs.server.fs;

import java.lang.foreign.MemorySegment;

import qtfs.fuse.proto.AttrOut;
import qtfs.fuse.proto.EntryOut;
import qtfs.fuse.proto.FuseAttr;
import qtfs.sys.Statx;

/**
 * Writes attributes and entries as the kernel expects them, with the cache lifetimes of
 * the session (none for files on volatile file systems such as /proc).
 */
final class Replies {
    private final long entrySec, attrSec;
    private final int entryNsec, attrNsec;

    Replies(CacheTimes times) {
        entrySec = times.entry().getSeconds();
        entryNsec = times.entry().getNano();
        attrSec = times.attr().getSeconds();
        attrNsec = times.attr().getNano();
    }

    static void attr(MemorySegment m, long at, Statx st) {
        FuseAttr.write(m, at, st.ino(), st.size(), st.blocks(),
                st.atimeSec(), st.atimeNsec(), st.mtimeSec(), st.mtimeNsec(), st.ctimeSec(), st.ctimeNsec(),
                st.mode(), st.nlink(), st.uid(), st.gid(), st.rdevEncoded(), st.blksize());
    }

    /** A fuse_entry_out for {@code inode} at {@code at}; returns its size. */
    int entry(MemorySegment m, long at, Inode inode, Statx st) {
        boolean cache = !inode.volatileContent;
        EntryOut.write(m, at, inode.nodeId, 0, cache ? entrySec : 0, cache ? entryNsec : 0,
                cache ? attrSec : 0, cache ? attrNsec : 0);
        attr(m, at + EntryOut.ATTR, st);
        return EntryOut.SIZE;
    }

    /** Whether a name found missing in {@code dir} may be remembered as missing (for the entry timeout). */
    boolean cachesMissingNames(Inode dir) {
        return !dir.volatileContent && (entrySec != 0 || entryNsec != 0);
    }

    /**
     * A negative entry: node id 0 with the entry timeout, which the kernel keeps as "no such
     * name" (ENOENT to the caller) until it expires, like any cached name.
     */
    int missing(MemorySegment m, long at) {
        m.asSlice(at, EntryOut.SIZE).fill((byte) 0);
        EntryOut.write(m, at, 0, 0, entrySec, entryNsec, 0, 0);
        return EntryOut.SIZE;
    }

    /** An entry that tells the kernel nothing beyond the name's inode number and type (node id 0). */
    static int bareEntry(MemorySegment m, long at, long ino, int mode) {
        m.asSlice(at, EntryOut.SIZE).fill((byte) 0);
        m.set(qtfs.fuse.proto.Le.U64, at + EntryOut.ATTR + FuseAttr.INO, ino);
        m.set(qtfs.fuse.proto.Le.U32, at + EntryOut.ATTR + FuseAttr.MODE, mode);
        return EntryOut.SIZE;
    }

    /** A fuse_attr_out at {@code at}; returns its size. */
    int attrOut(MemorySegment m, long at, Inode inode, Statx st) {
        boolean cache = !inode.volatileContent;
        AttrOut.write(m, at, cache ? attrSec : 0, cache ? attrNsec : 0);
        attr(m, at + AttrOut.ATTR, st);
        return AttrOut.SIZE;
    }
}
