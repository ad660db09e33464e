package qtfs.server.fs;

import java.lang.foreign.MemorySegment;

import qtfs.fuse.proto.InitFlags;
import qtfs.fuse.proto.LinkIn;
import qtfs.fuse.proto.MkdirIn;
import qtfs.fuse.proto.MknodIn;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.RenameIn;
import qtfs.server.whitelist.Section;
import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.OpenFlags;
import qtfs.sys.PathCalls;
import qtfs.sys.Statx;
import qtfs.sys.ThreadUmask;

/** Operations that add, remove or move names in directories. */
final class NameOps {
    private static final System.Logger LOG = System.getLogger(NameOps.class.getName());
    private static final int KNOWN_RENAME_FLAGS =
            PathCalls.RENAME_NOREPLACE | PathCalls.RENAME_EXCHANGE | PathCalls.RENAME_WHITEOUT;

    private final FsContext fs;
    private final boolean applyUmask;
    private volatile boolean umaskWarned;

    NameOps(FsContext fs) {
        this.fs = fs;
        // Without DONT_MASK the client kernel has applied the caller's umask already, default ACL or not.
        this.applyUmask = fs.init().has(InitFlags.DONT_MASK);
    }

    /**
     * The creation mode the server should use for a request carrying {@code mode} and {@code umask},
     * with the calling thread's umask made the caller's: the file system applies it, unless a
     * default ACL of the parent directory takes its place, as for a local process.
     */
    int creationMode(int mode, int umask) {
        if (!applyUmask) return mode;
        try {
            ThreadUmask.set(umask);
            return mode;
        } catch (ErrnoException e) {
            // a thread that cannot have a umask of its own gives the mode the kernel would have given without DONT_MASK
            if (!umaskWarned) {
                umaskWarned = true;
                LOG.log(System.Logger.Level.WARNING, "cannot give a serving thread a umask of its own ({0}): the caller''s umask"
                        + " is applied even where a default ACL should take its place", e.getMessage());
            }
            return mode & ~umask;
        }
    }

    int mknod(Request r) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(MknodIn.SIZE);
        Inode parent = r.inode();
        Name name = r.name(MknodIn.SIZE).plain();
        fs.policy().require(Opcode.MKNOD, parent, name, Section.CREATE);
        PathCalls.mknodat(parent.fd(), name.cString(), creationMode(MknodIn.mode(b), MknodIn.umask(b)), MknodIn.rdev(b));
        if (fs.replies().fifoStreams() && (MknodIn.mode(b) & Statx.S_IFMT) == Statx.S_IFIFO) {
            Lookups.Found found = fs.lookups().child(r, parent, name);
            return r.ok(fs.replies().madeFifo(r.out(), 0, found.inode(), found.stat()));
        }
        return replyEntry(r, parent, name);
    }

    int mkdir(Request r) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(MkdirIn.SIZE);
        Inode parent = r.inode();
        Name name = r.name(MkdirIn.SIZE).plain();
        fs.policy().require(Opcode.MKDIR, parent, name, Section.MKDIR);
        PathCalls.mkdirat(parent.fd(), name.cString(), creationMode(MkdirIn.mode(b), MkdirIn.umask(b)));
        return replyEntry(r, parent, name);
    }

    int symlink(Request r) throws FuseError, ErrnoException {
        Inode parent = r.inode();
        Name name = r.name(0).plain();
        Name target = r.string(r.after(name));
        if (target.length() == 0) throw new FuseError(Errno.ENOENT, "empty symlink target");
        fs.policy().require(Opcode.SYMLINK, parent, name, Section.CREATE);
        PathCalls.symlinkat(target.cString(), parent.fd(), name.cString());
        return replyEntry(r, parent, name);
    }

    int link(Request r) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(LinkIn.SIZE);
        Inode newParent = r.inode();
        Inode old = r.inode(LinkIn.oldnodeid(b));
        Name name = r.name(LinkIn.SIZE).plain();
        fs.policy().require(Opcode.LINK, newParent, name, Section.CREATE);
        PathCalls.linkInode(old.fd(), newParent.fd(), name.cString());
        fs.changes().made(newParent, name);
        fs.changes().made(old, false);   // its link count
        // Fresh attributes: the link count just changed.
        Lookups.Found found = fs.lookups().again(old);
        return r.ok(fs.replies().entry(r.out(), 0, found.inode(), found.stat()));
    }

    int unlink(Request r) throws FuseError, ErrnoException {
        Inode parent = r.inode();
        Name name = r.name(0).plain();
        fs.policy().require(Opcode.UNLINK, parent, name, Section.UNLINK);
        InodeKey victim = keyAt(parent, name);
        PathCalls.unlinkat(parent.fd(), name.cString(), 0);
        fs.changes().made(parent, name);
        if (victim != null) fs.changes().made(victim);
        return r.ok(0);
    }

    int rmdir(Request r) throws FuseError, ErrnoException {
        Inode parent = r.inode();
        Name name = r.name(0).plain();
        fs.policy().require(Opcode.RMDIR, parent, name, Section.RMDIR);
        PathCalls.unlinkat(parent.fd(), name.cString(), OpenFlags.AT_REMOVEDIR);
        fs.changes().made(parent, name);
        return r.ok(0);
    }

    int rename(Request r) throws FuseError, ErrnoException {
        return rename(r, Opcode.RENAME, RenameIn.newdir(r.struct(RenameIn.SIZE)), 0, RenameIn.SIZE);
    }

    int rename2(Request r) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(RenameIn.RENAME2_SIZE);
        int flags = RenameIn.flags(b);
        if ((flags & ~KNOWN_RENAME_FLAGS) != 0) throw new FuseError(Errno.EINVAL, "unknown rename flags " + flags);
        return rename(r, Opcode.RENAME2, RenameIn.newdir(b), flags, RenameIn.RENAME2_SIZE);
    }

    private int rename(Request r, Opcode op, long newdir, int flags, int headerSize) throws FuseError, ErrnoException {
        Inode oldParent = r.inode();
        Inode newParent = r.inode(newdir);
        Name oldName = r.name(headerSize).plain();
        Name newName = r.name(r.after(oldName)).plain();
        fs.policy().require(op, oldParent, oldName, Section.RENAME);
        fs.policy().require(op, newParent, newName, Section.RENAME);
        InodeKey replaced = keyAt(newParent, newName);
        PathCalls.renameat2(oldParent.fd(), oldName.cString(), newParent.fd(), newName.cString(), flags);
        fs.changes().made(oldParent, oldName);
        fs.changes().made(newParent, newName);
        if (replaced != null) fs.changes().made(replaced);   // its link count (or, exchanged, its name)
        placeAgain(newParent, newName);
        if ((flags & PathCalls.RENAME_EXCHANGE) != 0) placeAgain(oldParent, oldName);
        return r.ok(0);
    }

    /** Which inode {@code name} in {@code parent} is, or null: for telling other clients its link count changes. */
    private static InodeKey keyAt(Inode parent, Name name) {
        try {
            Statx st = Statx.at(parent.fd(), name.cString(), OpenFlags.AT_SYMLINK_NOFOLLOW);
            return new InodeKey(st.dev(), st.ino());
        } catch (ErrnoException e) {
            return null;   // the operation reports the error
        }
    }

    /** The node now at {@code name} in {@code parent}, if known, is remembered there (see {@link InodeStore#foundAt}). */
    private void placeAgain(Inode parent, Name name) {
        try {
            fs.inodes().foundAt(Statx.at(parent.fd(), name.cString(), OpenFlags.AT_SYMLINK_NOFOLLOW), parent, name.bytes());
        } catch (ErrnoException e) {
            // renamed again meanwhile: that rename places it
        }
    }

    private int replyEntry(Request r, Inode parent, Name name) throws ErrnoException {
        fs.changes().made(parent, name);
        Lookups.Found found = fs.lookups().child(r, parent, name);
        return r.ok(fs.replies().entry(r.out(), 0, found.inode(), found.stat()));
    }
}
