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
    private static final int DT_FIFO = 1, DT_REG = 8;

    private final long entrySec, attrSec, shortEntrySec, shortAttrSec, missingSec;
    private final int entryNsec, attrNsec, shortEntryNsec, shortAttrNsec, missingNsec;
    private final boolean watched;
    /** FIFOs are shown as empty regular files, which the client kernel opens through the server (stream files). */
    private final boolean fifoStreams;

    /**
     * {@code watched}: the session's changes are watched, so only watched inodes get the full
     * {@code times}; {@code fifoStreams}: FIFOs are served as stream files.
     */
    Replies(CacheTimes times, boolean watched, boolean fifoStreams) {
        this.watched = watched;
        this.fifoStreams = fifoStreams;
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

    /**
     * Whether the client kernel may keep the listing of {@code dir} between opens
     * (FOPEN_CACHE_DIR | FOPEN_KEEP_CACHE): only when the client is told of changes in it,
     * each of which also drops the listing (see {@link Invalidations}).
     */
    boolean cachesListing(Inode dir) {
        return watched && !dir.volatileContent && dir.fileId != null;
    }

    /** Whether the client is told of changes to {@code inode}, so that the full cache times apply. */
    private boolean watched(Inode inode) {
        return !watched || inode.fileId != null;
    }

    private void attr(MemorySegment m, long at, Statx st) {
        attr(m, at, st, fifoStreams && st.type() == Statx.S_IFIFO);
    }

    private static void attr(MemorySegment m, long at, Statx st, boolean fifoAsStream) {
        int mode = fifoAsStream ? st.mode() & ~Statx.S_IFMT | Statx.S_IFREG : st.mode();
        FuseAttr.write(m, at, st.ino(), fifoAsStream ? 0 : st.size(), fifoAsStream ? 0 : st.blocks(),
                st.atimeSec(), st.atimeNsec(), st.mtimeSec(), st.mtimeNsec(), st.ctimeSec(), st.ctimeNsec(),
                mode, st.nlink(), st.uid(), st.gid(), st.rdevEncoded(), st.blksize());
    }

    /** Whether FIFOs are served as stream files (shown as regular files). */
    boolean fifoStreams() {
        return fifoStreams;
    }

    /** A directory entry's d_type as the client is to see it. */
    int direntType(int type) {
        return fifoStreams && type == DT_FIFO ? DT_REG : type;
    }

    /**
     * The entry for a FIFO just made by MKNOD when FIFOs are stream files: the client kernel
     * insists on the type it asked for, so the FIFO is reported as one, but not to be cached:
     * the next use of the name looks it up again and gets the stream file.
     */
    int madeFifo(MemorySegment m, long at, Inode inode, Statx st) {
        EntryOut.write(m, at, inode.nodeId, 0, 0, 0, 0, 0);
        attr(m, at + EntryOut.ATTR, st, false);
        return EntryOut.SIZE;
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
