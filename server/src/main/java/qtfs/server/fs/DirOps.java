package qtfs.server.fs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import qtfs.fuse.proto.Dirent;
import qtfs.fuse.proto.FsyncIn;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.OpenIn;
import qtfs.fuse.proto.OpenOut;
import qtfs.fuse.proto.ReadIn;
import qtfs.fuse.proto.ReleaseIn;
import qtfs.server.whitelist.Section;
import qtfs.sys.Dirents;
import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.FileCalls;
import qtfs.sys.OpenFlags;
import qtfs.sys.ProcSelf;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Directory handles and listings. A listing position is the d_off cookie getdents64 gave
 * for the previous entry, so a READDIR resumes exactly where the last reply stopped, and an
 * entry that does not fit is left for the next request.
 */
final class DirOps {
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final ThreadLocal<MemorySegment> DIRENT_BUFFER =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(BUFFER_SIZE, 8));

    private final FsContext fs;

    DirOps(FsContext fs) {
        this.fs = fs;
    }

    int opendir(Request r) throws FuseError, ErrnoException {
        r.struct(OpenIn.SIZE);
        Inode inode = r.inode();
        fs.policy().require(Opcode.OPENDIR, inode, Section.READDIR);
        int fd = ProcSelf.reopen(inode.fd(), OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY);
        inode.acquire();   // the handle's own use
        long fh = fs.handles().add(fd, inode, true);
        // a listing the client is told to drop on every change may be served from its cache
        int flags = fs.replies().cachesListing(inode) ? OpenOut.FOPEN_CACHE_DIR | OpenOut.FOPEN_KEEP_CACHE : 0;
        OpenOut.write(r.out(), 0, fh, flags);
        return r.ok(OpenOut.SIZE);
    }

    int releasedir(Request r) throws FuseError {
        long fh = ReleaseIn.fh(r.struct(ReleaseIn.SIZE));
        OpenFile f = fs.handles().remove(fh);
        if (f == null) throw new FuseError(Errno.EBADF, "unknown directory handle " + fh);
        OwnerLocks locks = f.inode.ownerLocksIfAny();
        if (locks != null) locks.releaseOwnersOf(f);
        f.release();
        return r.ok(0);
    }

    int fsyncdir(Request r) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(FsyncIn.SIZE);
        OpenFile f = directory(r, FsyncIn.fh(b));
        if ((FsyncIn.fsyncFlags(b) & FsyncIn.FUSE_FSYNC_FDATASYNC) != 0) FileCalls.fdatasync(f.fd);
        else FileCalls.fsync(f.fd);
        return r.ok(0);
    }

    int readdir(Request r) throws FuseError, ErrnoException {
        return list(r, false);
    }

    int readdirplus(Request r) throws FuseError, ErrnoException {
        return list(r, true);
    }

    private OpenFile directory(Request r, long fh) throws FuseError {
        OpenFile f = r.file(fh);
        if (!f.directory) throw new FuseError(Errno.ENOTDIR, "handle " + fh + " is not a directory");
        return f;
    }

    private int list(Request r, boolean plus) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(ReadIn.SIZE);
        OpenFile dir = directory(r, ReadIn.fh(b));
        long limit = Math.min(Integer.toUnsignedLong(ReadIn.size(b)), r.replyCapacity());
        MemorySegment out = r.out();
        MemorySegment buf = DIRENT_BUFFER.get();
        long used = 0;
        dir.readdirLock.lock();
        try {
            FileCalls.lseek(dir.fd, ReadIn.offset(b), FileCalls.SEEK_SET);
            fill:
            for (;;) {
                long got = FileCalls.getdents64(dir.fd, buf, Math.min(BUFFER_SIZE, Math.max(limit, 1024)));
                if (got == 0) break;
                for (long at = 0; at < got; at += Dirents.reclen(buf, at)) {
                    int nameLength = Dirents.nameLength(buf, at);
                    int size = plus ? Dirent.plusSize(nameLength) : Dirent.size(nameLength);
                    if (used + size > limit) break fill;
                    if (plus) used += plusEntry(r, dir, buf, at, nameLength, out, used);
                    else used = Dirent.write(out, used, Dirents.ino(buf, at), Dirents.off(buf, at),
                            fs.replies().direntType(Dirents.type(buf, at)), buf.asSlice(Dirents.nameOffset(at)), nameLength);
                }
            }
        } finally {
            dir.readdirLock.unlock();
        }
        return r.ok(used);
    }

    /** One READDIRPLUS entry: looks the name up (one more kernel reference) unless it is "." or "..". */
    private int plusEntry(Request r, OpenFile dir, MemorySegment buf, long at, int nameLength,
                          MemorySegment out, long pos) {
        long nameAt = Dirents.nameOffset(at);
        boolean dots = buf.get(JAVA_BYTE, nameAt) == '.'
                && (nameLength == 1 || (nameLength == 2 && buf.get(JAVA_BYTE, nameAt + 1) == '.'));
        int type = fs.replies().direntType(Dirents.type(buf, at));
        int entrySize = -1;
        if (!dots) {
            try {
                Lookups.Found found = fs.lookups().child(r, dir.inode, dir.fd, buf.asSlice(nameAt, nameLength + 1L), nameLength);
                entrySize = fs.replies().entry(out, pos, found.inode(), found.stat());
                r.noteIfNoXattrs(found.inode(), found.inode().fd());
            } catch (ErrnoException e) {
                // gone or unreachable since getdents: list the name without attributes
            }
        }
        if (entrySize < 0) entrySize = Replies.bareEntry(out, pos, Dirents.ino(buf, at), type << 12);
        long end = Dirent.write(out, pos + entrySize, Dirents.ino(buf, at), Dirents.off(buf, at), type,
                buf.asSlice(nameAt), nameLength);
        return (int) (end - pos);
    }
}
