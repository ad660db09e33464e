package qtfs.server.fs;

import java.lang.foreign.MemorySegment;

import qtfs.fuse.proto.CopyFileRangeIn;
import qtfs.fuse.proto.EntryOut;
import qtfs.fuse.proto.FallocateIn;
import qtfs.fuse.proto.FlushIn;
import qtfs.fuse.proto.FsyncIn;
import qtfs.fuse.proto.LseekIn;
import qtfs.fuse.proto.OpenIn;
import qtfs.fuse.proto.OpenOut;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.ReadIn;
import qtfs.fuse.proto.ReleaseIn;
import qtfs.fuse.proto.WriteIn;
import qtfs.fuse.proto.WriteOut;
import qtfs.server.whitelist.Section;
import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.FileCalls;
import qtfs.sys.FileIo;
import qtfs.sys.Locks;
import qtfs.sys.OpenFlags;
import qtfs.sys.PageCacheReads;
import qtfs.sys.ProcSelf;

/** Open files: open and create, data transfer, flush and release, sync, space, seek, copy. */
final class FileOps {
    /** The most COPY_FILE_RANGE may report in its 32-bit answer, kept page-aligned as the kernel does. */
    private static final long MAX_COPY = 0xFFFFF000L;

    private final FsContext fs;
    private final NameOps names;
    private final FifoOps fifos;

    FileOps(FsContext fs, NameOps names, FifoOps fifos) {
        this.fs = fs;
        this.names = names;
        this.fifos = fifos;
    }

    int open(Request r) throws FuseError, ErrnoException, WouldWait {
        int clientFlags = OpenIn.flags(r.struct(OpenIn.SIZE));
        Inode inode = r.inode();
        fs.policy().require(Opcode.OPEN, inode, openSections(clientFlags));
        if (fifos.serves(inode)) return fifos.open(r, inode, clientFlags);
        int fd = ProcSelf.reopen(inode.fd(), fs.openFlags().forOpen(clientFlags));
        long fh = register(fd, inode, false);
        if ((clientFlags & OpenFlags.O_TRUNC) != 0) fs.changes().made(inode, true);
        OpenOut.write(r.out(), 0, fh, replyFlags(inode, clientFlags));
        return r.ok(OpenOut.SIZE);
    }

    int create(Request r) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(OpenIn.CREATE_SIZE);
        Inode parent = r.inode();
        Name name = r.name(OpenIn.CREATE_SIZE).plain();
        int clientFlags = OpenIn.createFlags(b);
        fs.policy().require(Opcode.CREATE, parent, name, withCreate(openSections(clientFlags)));
        int flags = fs.openFlags().forOpen(clientFlags) | OpenFlags.O_CREAT | OpenFlags.O_NOFOLLOW
                | (fs.openFlags().toLocal(clientFlags) & OpenFlags.O_EXCL);
        int mode = names.creationMode(OpenIn.createMode(b), OpenIn.createUmask(b));
        int fd = FileIo.openat(parent.fd(), name.cString(), flags, mode);
        return replyCreated(r, parent, name, fd, clientFlags);
    }

    int tmpfile(Request r) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(OpenIn.CREATE_SIZE);
        Inode parent = r.inode();
        int clientFlags = OpenIn.createFlags(b);
        fs.policy().require(Opcode.TMPFILE, parent, withCreate(openSections(clientFlags)));
        int flags = (fs.openFlags().forOpen(clientFlags) & ~OpenFlags.O_CREAT)
                | OpenFlags.O_TMPFILE_BASE | OpenFlags.O_DIRECTORY;
        int mode = names.creationMode(OpenIn.createMode(b), OpenIn.createUmask(b));
        int fd = FileIo.openat(parent.fd(), Dots.DOT, flags, mode);
        return replyCreated(r, parent, null, fd, clientFlags);
    }

    private int replyCreated(Request r, Inode parent, Name name, int fd, int clientFlags) throws ErrnoException {
        Lookups.Found found;
        try {
            found = fs.lookups().ofOpenFile(r, parent, name, fd);
        } catch (ErrnoException e) {
            FileIo.closeQuietly(fd);
            throw e;
        }
        found.inode().acquire();   // the handle's own use, released with the handle
        long fh = fs.handles().add(fd, found.inode(), false);
        if (name != null) {
            fs.changes().made(parent, name);
            if ((clientFlags & OpenFlags.O_TRUNC) != 0) fs.changes().made(found.inode(), true);
        }
        int n = fs.replies().entry(r.out(), 0, found.inode(), found.stat());
        OpenOut.write(r.out(), EntryOut.SIZE, fh, replyFlags(found.inode(), clientFlags));
        return r.ok(n + OpenOut.SIZE);
    }

    /** Registers an open descriptor of {@code inode} as a handle that keeps the inode in use. */
    private long register(int fd, Inode inode, boolean directory) {
        inode.acquire();   // cannot fail: the request holds a use
        return fs.handles().add(fd, inode, directory);
    }

    private int replyFlags(Inode inode, int clientFlags) {
        return fs.openFlags().direct(clientFlags) || inode.volatileContent ? OpenOut.FOPEN_DIRECT_IO : 0;
    }

    /** [Open], plus [Read] and/or [Write] as the access mode (and O_TRUNC) asks. */
    private Section[] openSections(int clientFlags) {
        int access = clientFlags & OpenFlags.O_ACCMODE;
        boolean read = access == OpenFlags.O_RDONLY || access == OpenFlags.O_RDWR;
        boolean write = access == OpenFlags.O_WRONLY || access == OpenFlags.O_RDWR
                || (clientFlags & OpenFlags.O_TRUNC) != 0;
        if (read && write) return new Section[] {Section.OPEN, Section.READ, Section.WRITE};
        return new Section[] {Section.OPEN, write ? Section.WRITE : Section.READ};
    }

    private static Section[] withCreate(Section[] sections) {
        Section[] all = java.util.Arrays.copyOf(sections, sections.length + 1);
        all[sections.length] = Section.CREATE;
        return all;
    }

    int read(Request r) throws FuseError, ErrnoException, WouldWait {
        MemorySegment b = r.struct(ReadIn.SIZE);
        OpenFile f = r.file(ReadIn.fh(b));
        if (fifos.serves(f.inode)) return fifos.read(r, f, b);
        long size = Math.min(Integer.toUnsignedLong(ReadIn.size(b)), r.replyCapacity());
        if (f.inode.volatileContent) {
            // made up by the kernel on each read, which may wait (a pressure file, /proc/kmsg)
            if (r.mustNotWait) throw WouldWait.INSTANCE;
            return r.ok(PseudoFileIo.read(f.fd, r.out(), size, ReadIn.offset(b)));
        }
        if (r.mustNotWait) {
            long n = PageCacheReads.read(f.fd, r.out(), size, ReadIn.offset(b));
            // short: partly cached, or the end of the file; a thread that may wait reads it whole
            if (n < size) throw WouldWait.INSTANCE;
            return r.ok(n);
        }
        long n = FileIo.pread(f.fd, r.out(), size, ReadIn.offset(b));
        return r.ok(n);
    }

    int write(Request r) throws FuseError, ErrnoException, WouldWait {
        MemorySegment b = r.struct(WriteIn.SIZE);
        OpenFile f = r.file(WriteIn.fh(b));
        if (fifos.serves(f.inode)) return fifos.write(r, f, b);
        long size = Integer.toUnsignedLong(WriteIn.size(b));
        if (b.byteSize() < WriteIn.SIZE + size)
            throw new FuseError(Errno.EINVAL, "WRITE of " + size + " bytes with " + (b.byteSize() - WriteIn.SIZE) + " bytes of data");
        MemorySegment data = b.asSlice(WriteIn.SIZE, size);
        long offset = WriteIn.offset(b), done = 0;
        if (f.inode.volatileContent) {
            WriteOut.write(r.out(), 0, (int) PseudoFileIo.write(f.fd, data, size, offset));
            return r.ok(WriteOut.SIZE);
        }
        // An O_APPEND descriptor appends whatever the offset: pwrite(2) on Linux does exactly that.
        while (done < size) {
            long n;
            try {
                n = FileIo.pwrite(f.fd, data.asSlice(done), size - done, offset + done);
            } catch (ErrnoException e) {
                if (done > 0) break;   // report the part that was written
                throw e;
            }
            if (n == 0) break;
            done += n;
        }
        if (done > 0) fs.changes().made(f.inode, true);
        WriteOut.write(r.out(), 0, (int) done);
        return r.ok(WriteOut.SIZE);
    }

    int flush(Request r) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(FlushIn.SIZE);
        OpenFile f = r.file(FlushIn.fh(b));
        // A close(2) on the client: that process's record locks on the file go (POSIX), and
        // closing a duplicate lets a network file system below write back, as close would.
        OwnerLocks locks = f.inode.ownerLocksIfAny();
        if (locks != null) locks.releaseOwner(FlushIn.lockOwner(b));
        f.closedBy(FlushIn.lockOwner(b));
        FileIo.close(FileCalls.dup(f.fd));
        return r.ok(0);
    }

    int release(Request r) throws FuseError {
        MemorySegment b = r.struct(ReleaseIn.SIZE);
        OpenFile f = fs.handles().remove(ReleaseIn.fh(b));
        if (f == null) throw new FuseError(Errno.EBADF, "unknown file handle " + ReleaseIn.fh(b));
        fifos.released(f.fh);
        try {
            int flags = ReleaseIn.releaseFlags(b);
            if ((flags & ReleaseIn.FUSE_RELEASE_FLOCK_UNLOCK) != 0) {
                try {
                    Locks.flock(f.fd, Locks.LOCK_UN);
                } catch (ErrnoException ignored) {
                    // the descriptor closes below, which releases the lock anyway
                }
            }
            OwnerLocks locks = f.inode.ownerLocksIfAny();
            if (locks != null) {
                if ((flags & ReleaseIn.FUSE_RELEASE_FLUSH) != 0) {
                    locks.releaseOwner(ReleaseIn.lockOwner(b));
                    f.closedBy(ReleaseIn.lockOwner(b));
                }
                locks.releaseOwnersOf(f);
            }
        } finally {
            f.release();
        }
        return r.ok(0);
    }

    int fsync(Request r) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(FsyncIn.SIZE);
        OpenFile f = r.file(FsyncIn.fh(b));
        if ((FsyncIn.fsyncFlags(b) & FsyncIn.FUSE_FSYNC_FDATASYNC) != 0) FileCalls.fdatasync(f.fd);
        else FileCalls.fsync(f.fd);
        return r.ok(0);
    }

    int fallocate(Request r) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(FallocateIn.SIZE);
        OpenFile f = r.file(FallocateIn.fh(b));
        fs.policy().require(Opcode.FALLOCATE, f.inode, Section.WRITE);
        FileCalls.fallocate(f.fd, FallocateIn.mode(b), FallocateIn.offset(b), FallocateIn.length(b));
        fs.changes().made(f.inode, true);
        return r.ok(0);
    }

    int lseek(Request r) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(LseekIn.SIZE);
        OpenFile f = r.file(LseekIn.fh(b));
        long offset = FileCalls.lseek(f.fd, LseekIn.offset(b), LseekIn.whence(b));
        LseekIn.writeOut(r.out(), 0, offset);
        return r.ok(LseekIn.OUT_SIZE);
    }

    int copyFileRange(Request r) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(CopyFileRangeIn.SIZE);
        OpenFile in = r.file(CopyFileRangeIn.fhIn(b));
        OpenFile out = r.file(CopyFileRangeIn.fhOut(b));
        if (out.inode.nodeId != CopyFileRangeIn.nodeidOut(b))
            throw new FuseError(Errno.EBADF, "COPY_FILE_RANGE destination handle belongs to another node");
        fs.policy().require(Opcode.COPY_FILE_RANGE, out.inode, Section.WRITE);
        if (CopyFileRangeIn.flags(b) != 0) throw new FuseError(Errno.EINVAL, "COPY_FILE_RANGE flags must be 0");
        long length = Long.compareUnsigned(CopyFileRangeIn.len(b), MAX_COPY) > 0 ? MAX_COPY : CopyFileRangeIn.len(b);
        long n = FileCalls.copyFileRange(in.fd, CopyFileRangeIn.offIn(b), out.fd, CopyFileRangeIn.offOut(b), length, 0);
        if (n > 0) fs.changes().made(out.inode, true);
        WriteOut.write(r.out(), 0, (int) n);
        return r.ok(WriteOut.SIZE);
    }
}
