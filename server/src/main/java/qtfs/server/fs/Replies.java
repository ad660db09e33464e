package qtfs.server.fs;

import java.lang.foreign.MemorySegment;

import qtfs.fuse.proto.AttrOut;
import qtfs.fuse.proto.EntryOut;
import qtfs.fuse.proto.FuseAttr;
import qtfs.sys.Statx;

/**
 * Writes attributes and entries as the kernel expects them, with the cache lifetimes of
 * the session (none for files on volatile file systems such as /proc). When changes are
 * watched, inodes whose changes qtfsd cannot see (no file id) and names found missing get at
 * most {@link CacheTimes#UNWATCHED}.
 */
final class Replies {
    private final long entrySec, attrSec, shortEntrySec, shortAttrSec, missingSec;
    private final int entryNsec, attrNsec, shortEntryNsec, shortAttrNsec, missingNsec;
    private final boolean watched;

    /** {@code watched}: the session's changes are watched, so only watched inodes get the full {@code times}. */
    Replies(CacheTimes times, boolean watched) {
        this.watched = watched;
        entrySec = times.entry().getSeconds();
        entryNsec = times.entry().getNano();
        attrSec = times.attr().getSeconds();
        attrNsec = times.attr().getNano();
        CacheTimes unwatched = watched ? times.atMost(CacheTimes.UNWATCHED) : times;
        shortEntrySec = unwatched.entry().getSeconds();
        shortEntryNsec = unwatched.entry().getNano();
        shortAttrSec = unwatched.attr().getSeconds();
        shortAttrNsec = unwatched.attr().getNano();
        missingSec = shortEntrySec;
        missingNsec = shortEntryNsec;
    }

    /** Whether the client is told of changes to {@code inode}, so that the full cache times apply. */
    private boolean watched(Inode inode) {
        return !watched || inode.fileId != null;
    }

    static void attr(MemorySegment m, long at, Statx st) {
        FuseAttr.write(m, at, st.ino(), st.size(), st.blocks(),
                st.atimeSec(), st.atimeNsec(), st.mtimeSec(), st.mtimeNsec(), st.ctimeSec(), st.ctimeNsec(),
                st.mode(), st.nlink(), st.uid(), st.gid(), st.rdevEncoded(), st.blksize());
    }

    /** A fuse_entry_out for {@code inode} at {@code at}; returns its size. */
    int entry(MemorySegment m, long at, Inode inode, Statx st) {
        if (inode.volatileContent) {
            EntryOut.write(m, at, inode.nodeId, 0, 0, 0, 0, 0);
        } else if (watched(inode)) {
            EntryOut.write(m, at, inode.nodeId, 0, entrySec, entryNsec, attrSec, attrNsec);
        } else {
            EntryOut.write(m, at, inode.nodeId, 0, shortEntrySec, shortEntryNsec, shortAttrSec, shortAttrNsec);
        }
        attr(m, at + EntryOut.ATTR, st);
        return EntryOut.SIZE;
    }

    /** Whether a name found missing in {@code dir} may be remembered as missing (for the entry timeout). */
    boolean cachesMissingNames(Inode dir) {
        return !dir.volatileContent && (missingSec != 0 || missingNsec != 0);
    }

    /**
     * A negative entry: node id 0 with the entry timeout, which the kernel keeps as "no such
     * name" (ENOENT to the caller) until it expires, like any cached name.
     */
    int missing(MemorySegment m, long at) {
        m.asSlice(at, EntryOut.SIZE).fill((byte) 0);
        EntryOut.write(m, at, 0, 0, missingSec, missingNsec, 0, 0);
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
        if (inode.volatileContent) AttrOut.write(m, at, 0, 0);
        else if (watched(inode)) AttrOut.write(m, at, attrSec, attrNsec);
        else AttrOut.write(m, at, shortAttrSec, shortAttrNsec);
        attr(m, at + AttrOut.ATTR, st);
        return AttrOut.SIZE;
    }
}
