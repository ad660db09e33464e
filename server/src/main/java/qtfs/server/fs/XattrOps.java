package qtfs.server.fs;

import java.lang.foreign.MemorySegment;

import qtfs.fuse.proto.InitFlags;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.XattrIn;
import qtfs.server.whitelist.Section;
import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.Xattrs;

/**
 * Extended attributes. A request with size 0 asks how big the value (or name list) is;
 * a value bigger than the size asked for is ERANGE, as the system call says.
 */
final class XattrOps {
    private final FsContext fs;
    private final int setHeaderSize;

    XattrOps(FsContext fs) {
        this.fs = fs;
        this.setHeaderSize = fs.init().has(InitFlags.SETXATTR_EXT) ? XattrIn.SETXATTR_EXT_SIZE : XattrIn.SETXATTR_COMPAT_SIZE;
    }

    int setxattr(Request r) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(setHeaderSize);
        Inode inode = r.inode();
        Name name = r.string(setHeaderSize);
        long size = Integer.toUnsignedLong(XattrIn.setSize(b));
        long valueAt = r.after(name);
        if (b.byteSize() < valueAt + size)
            throw new FuseError(Errno.EINVAL, "SETXATTR value of " + size + " bytes beyond the request");
        fs.policy().require(Opcode.SETXATTR, inode, Section.SETXATTR);
        Xattrs.set(inode.fd(), name.cString(), b.asSlice(valueAt, size), size, XattrIn.setFlags(b));
        fs.changes().made(inode, false);
        return r.ok(0);
    }

    int getxattr(Request r) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(XattrIn.GETXATTR_SIZE);
        Inode inode = r.inode();
        Name name = r.string(XattrIn.GETXATTR_SIZE);
        long size = Integer.toUnsignedLong(XattrIn.getSize(b));
        try {
            if (size == 0) {
                long needed = Xattrs.get(inode.fd(), name.cString(), MemorySegment.NULL, 0);
                XattrIn.writeGetOut(r.out(), 0, (int) needed);
                return r.ok(XattrIn.GETXATTR_OUT_SIZE);
            }
            return r.ok(Xattrs.get(inode.fd(), name.cString(), r.out(), Math.min(size, r.replyCapacity())));
        } catch (ErrnoException e) {
            // the kernel asks for several names in a row (ls -l: two per file): the next ones may be answered at the client
            if (e.is(Errno.ENODATA)) r.noteIfNoXattrs(inode, inode.fd());
            throw e;
        }
    }

    int listxattr(Request r) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(XattrIn.GETXATTR_SIZE);
        Inode inode = r.inode();
        long size = Integer.toUnsignedLong(XattrIn.getSize(b));
        long listed;
        if (size == 0) {
            listed = Xattrs.list(inode.fd(), MemorySegment.NULL, 0);
            XattrIn.writeGetOut(r.out(), 0, (int) listed);
        } else {
            listed = Xattrs.list(inode.fd(), r.out(), Math.min(size, r.replyCapacity()));
        }
        if (listed == 0) r.noteIfNoXattrs(inode, inode.fd());
        return r.ok(size == 0 ? XattrIn.GETXATTR_OUT_SIZE : listed);
    }

    int removexattr(Request r) throws FuseError, ErrnoException {
        Inode inode = r.inode();
        Name name = r.string(0);
        fs.policy().require(Opcode.REMOVEXATTR, inode, Section.SETXATTR);
        Xattrs.remove(inode.fd(), name.cString());
        fs.changes().made(inode, false);
        return r.ok(0);
    }
}
