package qtfs.server.fs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.UserDefinedFileAttributeView;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qtfs.sys.Errno;
import qtfs.sys.Xattrs;

import static org.junit.jupiter.api.Assertions.*;

class XattrTest {
    private FsDriver d;

    @BeforeEach
    void setUp() throws Exception {
        d = FsDriver.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        d.close();
    }

    @Test
    void setGetListRemove() throws Exception {
        Files.writeString(d.export.resolve("f"), "x");
        long n = d.lookup(FsDriver.ROOT, "f").nodeid();
        byte[] value = "some value".getBytes(StandardCharsets.UTF_8);
        d.setxattr(n, "user.test", value, 0).ok();

        var view = Files.getFileAttributeView(d.export.resolve("f"), UserDefinedFileAttributeView.class);
        assertTrue(view.list().contains("test"), "visible on the server");

        assertEquals(value.length, d.getxattr(n, "user.test", 0).u32(0), "size probe");
        assertArrayEquals(value, d.getxattr(n, "user.test", 100).bytes());
        d.getxattr(n, "user.test", 3).fails(Errno.ERANGE);
        d.getxattr(n, "user.missing", 100).fails(Errno.ENODATA);

        int listSize = d.listxattr(n, 0).u32(0);
        assertEquals("user.test\0", new String(d.listxattr(n, listSize).bytes(), StandardCharsets.UTF_8));
        d.listxattr(n, 2).fails(Errno.ERANGE);

        d.setxattr(n, "user.test", value, Xattrs.XATTR_CREATE).fails(Errno.EEXIST);
        d.setxattr(n, "user.other", value, Xattrs.XATTR_REPLACE).fails(Errno.ENODATA);
        d.removexattr(n, "user.test").ok();
        d.getxattr(n, "user.test", 100).fails(Errno.ENODATA);
        d.removexattr(n, "user.test").fails(Errno.ENODATA);
    }

    @Test
    void emptyValueAndDirectory() {
        long dir = d.mkdir(FsDriver.ROOT, "dir", 0755).nodeid();
        d.setxattr(dir, "user.empty", new byte[0], 0).ok();
        assertEquals(0, d.getxattr(dir, "user.empty", 0).u32(0));
    }

    @Test
    void symlinkAttributesAreTheLinksOwn() {
        long ln = d.symlink(FsDriver.ROOT, "ln", "target").nodeid();
        // user.* attributes are not allowed on symlinks: the call reaches the link, not a target
        d.setxattr(ln, "user.x", new byte[] {1}, 0).fails(Errno.EPERM);
        assertEquals(0, d.listxattr(ln, 0).u32(0));
    }

    @Test
    void valueLongerThanTheRequestIsRefused() {
        long n = d.mkdir(FsDriver.ROOT, "dir", 0755).nodeid();
        var body = new RequestBody().u32(1000).u32(0).u32(0).u32(0).name("user.x").raw(new byte[10]);
        d.call(qtfs.fuse.proto.Opcode.SETXATTR, n, body).fails(Errno.EINVAL);
    }
}
