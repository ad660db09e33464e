package qtfs.server.fs;

import java.lang.foreign.MemorySegment;

import qtfs.fuse.proto.IoctlIn;
import qtfs.fuse.proto.Le;
import qtfs.fuse.proto.Opcode;
import qtfs.server.whitelist.Section;
import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.Ioctls;
import qtfs.sys.Statx;
import qtfs.wire.RemoteMount;

/**
 * FUSE_IOCTL: the few ioctls that mean the same on the server's file as on the client's,
 * on regular files and directories: file attribute flags (FS_IOC_GETFLAGS/SETFLAGS, what
 * lsattr and chattr use) and extended file attributes (FS_IOC_FSGETXATTR/FSSETXATTR),
 * plus qtfs's own remote mount command ({@link RemoteMounts}). Every other ioctl is ENOTTY,
 * as for a file that has none. Arguments are checked to have the size their command needs;
 * flags are an int and struct fsxattr is all u32, the same on every architecture.
 */
final class IoctlOps {
    private static final int FLAGS_SIZE = 4;

    private final FsContext fs;
    private final RemoteMounts mounts;

    IoctlOps(FsContext fs, RemoteMounts mounts) {
        this.fs = fs;
        this.mounts = mounts;
    }

    int ioctl(Request r) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(IoctlIn.SIZE);
        int cmd = IoctlIn.cmd(b), flags = IoctlIn.flags(b);
        long inSize = Integer.toUnsignedLong(IoctlIn.inSize(b)), outSize = Integer.toUnsignedLong(IoctlIn.outSize(b));
        if ((flags & IoctlIn.FUSE_IOCTL_UNRESTRICTED) != 0) throw new FuseError(Errno.ENOTTY, "unrestricted ioctl");
        if (b.byteSize() < IoctlIn.SIZE + inSize) throw new FuseError(Errno.EINVAL, "ioctl argument beyond the request");
        if (outSize > r.replyCapacity() - IoctlIn.OUT_SIZE) throw new FuseError(Errno.EINVAL, "ioctl answer too large");
        MemorySegment in = b.asSlice(IoctlIn.SIZE, inSize);
        Inode inode = r.inode();
        if (inode.type != Statx.S_IFREG && inode.type != Statx.S_IFDIR)
            throw new FuseError(Errno.ENOTTY, "ioctl on a special file");   // stream files would answer FIONREAD here
        if (cmd == RemoteMount.COMMAND) {
            checkSizes(in, outSize, RemoteMount.ARG_SIZE, RemoteMount.ARG_SIZE);
            if (inode.type != Statx.S_IFDIR) throw new FuseError(Errno.ENOTDIR, "remote mount request on a file");
            return mounts.serve(r, inode, in);
        }
        if (cmd == Ioctls.FS_IOC_GETFLAGS || cmd == Ioctls.FS_IOC32_GETFLAGS) {
            checkSizes(in, outSize, 0, outSize == 8 ? 8 : FLAGS_SIZE);
            MemorySegment out = answer(r, outSize);
            out.fill((byte) 0);
            Ioctls.ioctl(file(r, b, inode).fd, Ioctls.FS_IOC_GETFLAGS, out, "FS_IOC_GETFLAGS", null);
            return r.ok(IoctlIn.OUT_SIZE + outSize);
        }
        if (cmd == Ioctls.FS_IOC_SETFLAGS || cmd == Ioctls.FS_IOC32_SETFLAGS) {
            checkSizes(in, outSize, in.byteSize() == 8 ? 8 : FLAGS_SIZE, 0);
            fs.policy().require(Opcode.IOCTL, inode, Section.SETATTR);
            MemorySegment value = answer(r, 8);   // room for the kernel's int, read from the caller's bytes
            value.set(Le.U64, 0, Integer.toUnsignedLong(in.get(Le.U32, 0)));
            Ioctls.ioctl(file(r, b, inode).fd, Ioctls.FS_IOC_SETFLAGS, value, "FS_IOC_SETFLAGS", null);
            return r.ok(IoctlIn.OUT_SIZE);
        }
        if (cmd == Ioctls.FS_IOC_FSGETXATTR) {
            checkSizes(in, outSize, 0, Ioctls.FSXATTR_SIZE);
            MemorySegment out = answer(r, Ioctls.FSXATTR_SIZE);
            Ioctls.ioctl(file(r, b, inode).fd, cmd, out, "FS_IOC_FSGETXATTR", null);
            return r.ok(IoctlIn.OUT_SIZE + Ioctls.FSXATTR_SIZE);
        }
        if (cmd == Ioctls.FS_IOC_FSSETXATTR) {
            checkSizes(in, outSize, Ioctls.FSXATTR_SIZE, 0);
            fs.policy().require(Opcode.IOCTL, inode, Section.SETATTR);
            MemorySegment value = answer(r, Ioctls.FSXATTR_SIZE).copyFrom(in);
            Ioctls.ioctl(file(r, b, inode).fd, cmd, value, "FS_IOC_FSSETXATTR", null);
            return r.ok(IoctlIn.OUT_SIZE);
        }
        throw new FuseError(Errno.ENOTTY, "ioctl 0x" + Integer.toHexString(cmd) + " is not forwarded");
    }

    /** The argument sizes the kernel derived from the command must be the ones the command needs. */
    private static void checkSizes(MemorySegment in, long outSize, long wantIn, long wantOut) throws FuseError {
        if (in.byteSize() != wantIn || outSize != wantOut)
            throw new FuseError(Errno.EINVAL, "ioctl argument of " + in.byteSize() + "/" + outSize + " bytes, expected "
                    + wantIn + "/" + wantOut);
    }

    /** The answer's argument bytes after a successful fuse_ioctl_out (which this writes). */
    private static MemorySegment answer(Request r, long size) {
        IoctlIn.writeOut(r.out(), 0, 0);
        return r.out().asSlice(IoctlIn.OUT_SIZE, size);
    }

    /** The open file the ioctl came through: it must be one of this node. */
    private static OpenFile file(Request r, MemorySegment b, Inode inode) throws FuseError {
        OpenFile f = r.file(IoctlIn.fh(b));
        if (f.inode != inode) throw new FuseError(Errno.EBADF, "file handle of another node");
        return f;
    }
}
