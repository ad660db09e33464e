package qtfs.server.fs;

import java.lang.foreign.MemorySegment;

import qtfs.fuse.proto.AccessIn;
import qtfs.fuse.proto.ForgetIn;
import qtfs.fuse.proto.GetattrIn;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.SetattrIn;
import qtfs.fuse.proto.StatfsOut;
import qtfs.server.whitelist.Section;
import qtfs.sys.AttrCalls;
import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.FileCalls;
import qtfs.sys.FileIo;
import qtfs.sys.OpenFlags;
import qtfs.sys.PathCalls;
import qtfs.sys.ProcSelf;
import qtfs.sys.StatFs;
import qtfs.sys.Statx;

import static qtfs.fuse.proto.SetattrIn.*;

/** Operations on one node: lookup and forget, attributes, symlink targets, statfs, access. */
final class NodeOps {
    private static final int PATH_MAX = 4096;

    private final FsContext fs;

    NodeOps(FsContext fs) {
        this.fs = fs;
    }

    int lookup(Request r) throws FuseError, ErrnoException {
        Inode parent = r.inode();
        Name name = r.name(0);
        Lookups.Found found;
        if (name.isDot() || name.isDotDot()) {
            // ".." of the export root is the root itself: nothing above the export is reachable.
            boolean stay = name.isDot() || parent.nodeId == InodeStore.ROOT_ID;
            found = fs.lookups().dots(r, parent, stay ? Dots.DOT : Dots.DOTDOT);
        } else {
            try {
                found = fs.lookups().child(r, parent, name);
            } catch (ErrnoException e) {
                // a missing name the kernel may remember as missing: a create of it then needs no second lookup
                if (e.is(Errno.ENOENT) && fs.replies().cachesMissingNames(parent)) return r.ok(fs.replies().missing(r.out(), 0));
                throw e;
            }
        }
        return r.ok(fs.replies().entry(r.out(), 0, found.inode(), found.stat()));
    }

    int forget(Request r) throws FuseError {
        fs.inodes().forget(r.nodeId, ForgetIn.nlookup(r.struct(ForgetIn.SIZE)));
        return 0;
    }

    int batchForget(Request r) throws FuseError {
        MemorySegment b = r.struct(ForgetIn.BATCH_SIZE);
        long count = Integer.toUnsignedLong(ForgetIn.batchCount(b));
        if (b.byteSize() < ForgetIn.BATCH_SIZE + count * ForgetIn.ONE_SIZE)
            throw new FuseError(Errno.EINVAL, "BATCH_FORGET of " + count + " entries in " + b.byteSize() + " bytes");
        for (int i = 0; i < count; i++) fs.inodes().forget(ForgetIn.batchNodeid(b, i), ForgetIn.batchNlookup(b, i));
        return 0;
    }

    int getattr(Request r) throws FuseError, ErrnoException {
        Inode inode = r.inode();
        int fd = inode.fd();
        if (r.body.byteSize() >= GetattrIn.SIZE && (GetattrIn.flags(r.body) & GetattrIn.FUSE_GETATTR_FH) != 0) {
            OpenFile f = r.file(GetattrIn.fh(r.body));
            if (f.inode == inode) fd = f.fd;
        }
        return r.ok(fs.replies().attrOut(r.out(), 0, inode, Statx.of(fd)));
    }

    int setattr(Request r) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(SetattrIn.SIZE);
        Inode inode = r.inode();
        int valid = SetattrIn.valid(b);
        OpenFile file = (valid & FATTR_FH) != 0 ? r.file(SetattrIn.fh(b)) : null;
        if (file != null && file.inode != inode) throw new FuseError(Errno.EBADF, "handle of another node");
        int changes = FATTR_MODE | FATTR_UID | FATTR_GID | FATTR_SIZE | FATTR_ATIME | FATTR_MTIME | FATTR_KILL_SUIDGID;
        if ((valid & changes) != 0) {
            if ((valid & FATTR_SIZE) != 0) fs.policy().require(Opcode.SETATTR, inode, Section.SETATTR, Section.WRITE);
            else fs.policy().require(Opcode.SETATTR, inode, Section.SETATTR);
        }

        if ((valid & FATTR_MODE) != 0) {
            if (file != null) AttrCalls.fchmod(file.fd, SetattrIn.mode(b));
            else AttrCalls.chmodInode(inode.fd(), SetattrIn.mode(b));
        }
        if ((valid & (FATTR_UID | FATTR_GID)) != 0) {
            int uid = (valid & FATTR_UID) != 0 ? SetattrIn.uid(b) : -1;
            int gid = (valid & FATTR_GID) != 0 ? SetattrIn.gid(b) : -1;
            AttrCalls.chownInode(inode.fd(), uid, gid);
        }
        if ((valid & FATTR_SIZE) != 0) {
            if (file != null) FileCalls.ftruncate(file.fd, SetattrIn.size(b));
            else FileCalls.truncateInode(inode.fd(), SetattrIn.size(b));
        }
        if ((valid & (FATTR_ATIME | FATTR_MTIME)) != 0) setTimes(b, valid, inode, file);
        if ((valid & FATTR_KILL_SUIDGID) != 0 && (valid & FATTR_MODE) == 0) killSuidSgid(inode, file);
        if ((valid & changes) == 0 && inode.type != Statx.S_IFDIR) touchOwnership(inode);
        if ((valid & changes) != 0) fs.changes().made(inode, (valid & FATTR_SIZE) != 0);

        return r.ok(fs.replies().attrOut(r.out(), 0, inode, Statx.of(file != null ? file.fd : inode.fd())));
    }

    private static void setTimes(MemorySegment b, int valid, Inode inode, OpenFile file) throws ErrnoException {
        long aSec = 0, aNsec = AttrCalls.UTIME_OMIT, mSec = 0, mNsec = AttrCalls.UTIME_OMIT;
        if ((valid & FATTR_ATIME_NOW) != 0) aNsec = AttrCalls.UTIME_NOW;
        else if ((valid & FATTR_ATIME) != 0) {
            aSec = SetattrIn.atime(b);
            aNsec = Integer.toUnsignedLong(SetattrIn.atimensec(b));
        }
        if ((valid & FATTR_MTIME_NOW) != 0) mNsec = AttrCalls.UTIME_NOW;
        else if ((valid & FATTR_MTIME) != 0) {
            mSec = SetattrIn.mtime(b);
            mNsec = Integer.toUnsignedLong(SetattrIn.mtimensec(b));
        }
        if (file != null) AttrCalls.futimens(file.fd, aSec, aNsec, mSec, mNsec);
        else AttrCalls.utimensInode(inode.fd(), aSec, aNsec, mSec, mNsec);
    }

    /**
     * The client asks to clear set-user-id and set-group-id (as a write or truncate by an
     * unprivileged caller would); the server kernel does so by itself unless the caller is
     * root, so this acts only where something is left to clear.
     */
    private static void killSuidSgid(Inode inode, OpenFile file) throws ErrnoException {
        Statx st = Statx.of(inode.fd());
        int mode = st.mode() & 07777;
        int kill = Statx.S_ISUID | ((mode & 010) != 0 ? Statx.S_ISGID : 0);
        if (!st.isRegular() || (mode & kill) == 0) return;
        if (file != null) AttrCalls.fchmod(file.fd, mode & ~kill);
        else AttrCalls.chmodInode(inode.fd(), mode & ~kill);
    }

    /**
     * A SETATTR that changes nothing (but perhaps the change time) is what the kernel sends for
     * chown(-1, -1), and before a write by a caller without CAP_FSETID: both must drop
     * set-user-id and set-group-id, which HANDLE_KILLPRIV_V2 leaves to the server with no flag
     * to say so. The server kernel's own chown(-1, -1), as the caller, drops exactly what a
     * local one would. A caller who does not own the file is refused (EPERM) where there is
     * something to drop; that is ignored, because for a write the server's write drops it.
     * Without [Setattr] nothing changes, as before.
     */
    private void touchOwnership(Inode inode) throws ErrnoException {
        try {
            fs.policy().require(Opcode.SETATTR, inode, Section.SETATTR);
            AttrCalls.chownInode(inode.fd(), -1, -1);
        } catch (FuseError e) {
            // denied by the whitelist (logged): leave the file as it is
        } catch (ErrnoException e) {
            if (!e.is(Errno.EPERM)) throw e;
        }
    }

    int readlink(Request r) throws FuseError, ErrnoException {
        Inode inode = r.inode();
        if (inode.type != Statx.S_IFLNK) throw new FuseError(Errno.EINVAL, "not a symlink");
        long n = PathCalls.readlinkat(inode.fd(), Dots.EMPTY, r.out(), Math.min(PATH_MAX, r.replyCapacity()));
        VolatileLinks.served(r, inode);
        return r.ok(n);
    }

    int statfs(Request r) throws FuseError, ErrnoException {
        StatFs s = StatFs.of(r.inode().fd());
        StatfsOut.write(r.out(), 0, s.blocks(), s.bfree(), s.bavail(), s.files(), s.ffree(),
                (int) s.bsize(), (int) s.namelen(), (int) s.frsize());
        return r.ok(StatfsOut.SIZE);
    }

    int access(Request r) throws FuseError, ErrnoException {
        int mask = AccessIn.mask(r.struct(AccessIn.SIZE));
        AttrCalls.accessInode(r.inode().fd(), mask & (AttrCalls.R_OK | AttrCalls.W_OK | AttrCalls.X_OK));
        return r.ok(0);
    }

    int syncfs(Request r) throws FuseError, ErrnoException {
        Inode inode = r.inode();
        // syncfs needs a readable descriptor; whether the caller may read this node is beside the point.
        CallerIdentity.asServer(() -> {
            int fd = ProcSelf.reopen(inode.fd(), OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK
                    | (inode.type == Statx.S_IFDIR ? OpenFlags.O_DIRECTORY : 0));
            try {
                FileCalls.syncfs(fd);
            } finally {
                FileIo.closeQuietly(fd);
            }
            return null;
        });
        return r.ok(0);
    }
}
