package qtfs.server.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import qtfs.fuse.proto.IoctlIn;
import qtfs.fuse.proto.Le;
import qtfs.fuse.proto.Opcode;
import qtfs.sys.Errno;
import qtfs.sys.Ioctls;
import qtfs.sys.OpenFlags;

/** FUSE_IOCTL as the client kernel sends it for lsattr/chattr, and what it must refuse. */
class IoctlTest {
    private FsDriver d;

    @AfterEach
    void tearDown() throws Exception {
        if (d != null) d.close();
    }

    private static RequestBody ioctl(long fh, int flags, int cmd, int outSize, byte[] in) {
        return new RequestBody().u64(fh).u32(flags).u32(cmd).u64(0).u32(in.length).u32(outSize).raw(in);
    }

    @Test
    void flagsAreReadAndSetThroughTheOpenFile() throws Exception {
        d = FsDriver.open();
        Files.writeString(d.export.resolve("f"), "x");
        long node = d.lookup(FsDriver.ROOT, "f").nodeid();
        long fh = d.open(node, OpenFlags.O_RDONLY).fh();
        Reply got = d.call(Opcode.IOCTL, node, ioctl(fh, 0, Ioctls.FS_IOC_GETFLAGS, 4, new byte[0])).ok();
        assertEquals(IoctlIn.OUT_SIZE + 4, got.body().byteSize(), "exactly the int the kernel asked for");
        assertEquals(0, IoctlIn.outResult(got.body(), 0));
        int flags = got.body().get(Le.U32, IoctlIn.OUT_SIZE);
        byte[] same = {(byte) flags, (byte) (flags >> 8), (byte) (flags >> 16), (byte) (flags >> 24)};
        d.call(Opcode.IOCTL, node, ioctl(fh, 0, Ioctls.FS_IOC_SETFLAGS, 0, same)).ok();
        Reply fsx = d.call(Opcode.IOCTL, node, ioctl(fh, 0, Ioctls.FS_IOC_FSGETXATTR, Ioctls.FSXATTR_SIZE, new byte[0])).ok();
        assertEquals(IoctlIn.OUT_SIZE + Ioctls.FSXATTR_SIZE, fsx.body().byteSize());
    }

    @Test
    void wrongSizesUnknownCommandsAndUnrestrictedIoctlsAreRefused() throws Exception {
        d = FsDriver.open();
        Files.writeString(d.export.resolve("f"), "x");
        long node = d.lookup(FsDriver.ROOT, "f").nodeid();
        long fh = d.open(node, OpenFlags.O_RDONLY).fh();
        d.call(Opcode.IOCTL, node, ioctl(fh, 0, Ioctls.FS_IOC_FSGETXATTR, 12, new byte[0])).fails(Errno.EINVAL);
        d.call(Opcode.IOCTL, node, ioctl(fh, 0, Ioctls.FS_IOC_SETFLAGS, 0, new byte[3])).fails(Errno.EINVAL);
        d.call(Opcode.IOCTL, node, ioctl(fh, 0, 0x5401 /* TCGETS */, 60, new byte[0])).fails(Errno.ENOTTY);
        d.call(Opcode.IOCTL, node, ioctl(fh, IoctlIn.FUSE_IOCTL_UNRESTRICTED, Ioctls.FS_IOC_GETFLAGS, 4, new byte[0]))
                .fails(Errno.ENOTTY);
        // the argument the header announces must be there
        d.call(Opcode.IOCTL, node, new RequestBody().u64(fh).u32(0).u32(Ioctls.FS_IOC_SETFLAGS).u64(0).u32(4).u32(0))
                .fails(Errno.EINVAL);
    }
}
