package qtfs.server.fs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qtfs.fuse.proto.Opcode;
import qtfs.sys.Errno;
import qtfs.sys.OpenFlags;
import qtfs.sys.PathCalls;
import qtfs.sys.Statx;

import static org.junit.jupiter.api.Assertions.*;

/** Lookups, attributes and the operations that change names: against a real export directory. */
class NamespaceTest {
    private FsDriver d;

    @BeforeEach
    void setUp() throws Exception {
        d = FsDriver.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        d.close();
    }

    private long ino(Path p) throws Exception {
        return (Long) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void lookupReturnsTheServerInodeAndItsAttributes() throws Exception {
        Path f = Files.writeString(d.export.resolve("hello"), "hello world");
        Reply r = d.lookup(FsDriver.ROOT, "hello").ok();
        assertTrue(r.nodeid() > FsDriver.ROOT);
        assertEquals(ino(f), r.entryIno());
        assertEquals(11, r.entrySize());
        assertEquals(Statx.S_IFREG, r.entryMode() & Statx.S_IFMT);
        assertEquals(1, r.entryNlink());
        assertEquals(r.nodeid(), d.lookup(FsDriver.ROOT, "hello").nodeid(), "same inode, same node id");

        Reply attr = d.getattr(r.nodeid()).ok();
        assertEquals(ino(f), attr.attrIno());
        assertEquals(11, attr.attrSize());
        assertEquals(ino(d.export), d.getattr(FsDriver.ROOT).attrIno(), "node 1 is the export");
    }

    @Test
    void aMissingNameIsANegativeEntryTheKernelMayKeep() {
        d.lookup(FsDriver.ROOT, "nothing-here").missing();
    }

    @Test
    void aMissingNameInAVolatileDirectoryIsNotRemembered() throws Exception {
        try (FsDriver proc = FsDriverForPath.open("/proc/sys/kernel")) {
            proc.lookup(FsDriver.ROOT, "no-such-setting").fails(Errno.ENOENT);
        }
    }

    @Test
    void hardLinksShareANodeIdAndForgetDropsTheNode() throws Exception {
        Path a = Files.writeString(d.export.resolve("a"), "x");
        Files.createLink(d.export.resolve("b"), a);
        int before = d.fs.nodeCount();
        long na = d.lookup(FsDriver.ROOT, "a").nodeid();
        long nb = d.lookup(FsDriver.ROOT, "b").nodeid();
        assertEquals(na, nb);
        assertEquals(before + 1, d.fs.nodeCount());
        d.forget(na, 1);
        assertEquals(before + 1, d.fs.nodeCount(), "one lookup left");
        d.forget(na, 1);
        assertEquals(before, d.fs.nodeCount());
        d.getattr(na).fails(Errno.ESTALE);
        long again = d.lookup(FsDriver.ROOT, "a").nodeid();
        assertNotEquals(na, again, "node ids are never reused");
    }

    @Test
    void batchForgetDropsEveryNode() throws Exception {
        Files.writeString(d.export.resolve("a"), "x");
        Files.writeString(d.export.resolve("b"), "y");
        int before = d.fs.nodeCount();
        long na = d.lookup(FsDriver.ROOT, "a").nodeid();
        long nb = d.lookup(FsDriver.ROOT, "b").nodeid();
        d.lookup(FsDriver.ROOT, "b").ok();
        Reply r = d.call(Opcode.BATCH_FORGET, 0, new RequestBody().u32(2).u32(0).u64(na).u64(1).u64(nb).u64(2));
        assertEquals(0, r.body().byteSize());
        assertEquals(before, d.fs.nodeCount());
    }

    @Test
    void mkdirAndRmdirWithNotEmpty() throws Exception {
        Reply dir = d.mkdir(FsDriver.ROOT, "dir", 0750).ok();
        assertEquals(Statx.S_IFDIR | 0750, dir.entryMode());
        assertTrue(Files.isDirectory(d.export.resolve("dir")));
        d.mkdir(FsDriver.ROOT, "dir", 0755).fails(Errno.EEXIST);
        d.create(dir.nodeid(), "inner", OpenFlags.O_WRONLY, 0644).ok();
        d.rmdir(FsDriver.ROOT, "dir").fails(Errno.ENOTEMPTY);
        d.unlink(dir.nodeid(), "inner").ok();
        d.rmdir(FsDriver.ROOT, "dir").ok();
        assertFalse(Files.exists(d.export.resolve("dir")));
        d.rmdir(FsDriver.ROOT, "dir").fails(Errno.ENOENT);
    }

    @Test
    void renameMovesReplacesAndHonoursFlags() throws Exception {
        Files.writeString(d.export.resolve("a"), "A");
        Files.writeString(d.export.resolve("b"), "B");
        long sub = d.mkdir(FsDriver.ROOT, "sub", 0755).nodeid();

        d.rename2(FsDriver.ROOT, "a", FsDriver.ROOT, "b", PathCalls.RENAME_NOREPLACE).fails(Errno.EEXIST);
        assertEquals("A", Files.readString(d.export.resolve("a")));

        d.rename2(FsDriver.ROOT, "a", FsDriver.ROOT, "b", PathCalls.RENAME_EXCHANGE).ok();
        assertEquals("B", Files.readString(d.export.resolve("a")));
        assertEquals("A", Files.readString(d.export.resolve("b")));

        d.rename(FsDriver.ROOT, "a", FsDriver.ROOT, "b").ok();   // over an existing file
        assertFalse(Files.exists(d.export.resolve("a")));
        assertEquals("B", Files.readString(d.export.resolve("b")));

        d.rename(FsDriver.ROOT, "b", sub, "moved").ok();
        assertEquals("B", Files.readString(d.export.resolve("sub/moved")));
        d.rename2(FsDriver.ROOT, "x", FsDriver.ROOT, "y", 0x100).fails(Errno.EINVAL);
    }

    @Test
    void linkReturnsTheFreshLinkCount() throws Exception {
        Files.writeString(d.export.resolve("f"), "data");
        Reply first = d.lookup(FsDriver.ROOT, "f").ok();
        assertEquals(1, first.entryNlink());
        Reply linked = d.link(first.nodeid(), FsDriver.ROOT, "g").ok();
        assertEquals(first.nodeid(), linked.nodeid());
        assertEquals(2, linked.entryNlink());
        assertEquals(2, (Integer) Files.getAttribute(d.export.resolve("f"), "unix:nlink"));
        d.unlink(FsDriver.ROOT, "g").ok();
        assertEquals(1, d.getattr(first.nodeid()).attrNlink(), "getattr after unlink sees the new count");
        d.link(first.nodeid(), FsDriver.ROOT, "f").fails(Errno.EEXIST);
    }

    @Test
    void symlinksAreReturnedNotFollowed() throws Exception {
        Reply s = d.symlink(FsDriver.ROOT, "ln", "/etc/passwd").ok();
        assertEquals(Statx.S_IFLNK, s.entryMode() & Statx.S_IFMT);
        assertEquals("/etc/passwd", Files.readSymbolicLink(d.export.resolve("ln")).toString());
        assertEquals("/etc/passwd", d.readlink(s.nodeid()).text());
        Reply looked = d.lookup(FsDriver.ROOT, "ln").ok();
        assertEquals(Statx.S_IFLNK, looked.entryMode() & Statx.S_IFMT);
        // opening the symlink node must not reach /etc/passwd
        d.open(looked.nodeid(), OpenFlags.O_RDONLY).fails(Errno.ELOOP);
        d.readlink(FsDriver.ROOT).fails(Errno.EINVAL);
    }

    @Test
    void mknodMakesFifos() throws Exception {
        Reply r = d.mknod(FsDriver.ROOT, "fifo", Statx.S_IFIFO | 0600).ok();
        assertEquals(Statx.S_IFIFO | 0600, r.entryMode());
        assertTrue(Files.readAttributes(d.export.resolve("fifo"), java.nio.file.attribute.BasicFileAttributes.class).isOther());
    }

    @Test
    void setattrChangesModeOwnerSizeAndTimes() throws Exception {
        Path f = Files.writeString(d.export.resolve("f"), "0123456789");
        long n = d.lookup(FsDriver.ROOT, "f").nodeid();
        int MODE = 1, UID = 2, GID = 4, SIZE = 8, ATIME = 16, MTIME = 32, MTIME_NOW = 256;
        Reply r = d.setattr(n, MODE, 0, 0, 0, 0, 0, 0, 0600, 0, 0).ok();
        assertEquals(Statx.S_IFREG | 0600, r.attrMode());
        r = d.setattr(n, UID | GID, 0, 0, 0, 0, 0, 0, 0, 1234, 5678).ok();
        assertEquals(1234, r.attrUid());
        assertEquals(5678, r.attrGid());
        r = d.setattr(n, SIZE, 0, 4, 0, 0, 0, 0, 0, 0, 0).ok();
        assertEquals(4, r.attrSize());
        assertEquals("0123", Files.readString(f));
        r = d.setattr(n, ATIME | MTIME, 0, 0, 1_000_000, 5, 2_000_000, 7, 0, 0, 0).ok();
        assertEquals(1_000_000, r.attrAtime());
        assertEquals(2_000_000, r.attrMtime());
        assertEquals(7, r.attrMtimeNsec());
        // only mtime to now: atime left alone (UTIME_OMIT)
        r = d.setattr(n, MTIME | MTIME_NOW, 0, 0, 0, 0, 0, 0, 0, 0, 0).ok();
        assertEquals(1_000_000, r.attrAtime());
        assertTrue(r.attrMtime() > 2_000_000);
    }

    @Test
    void statfsShowsTheServerFileSystem() throws Exception {
        Reply r = d.statfs(FsDriver.ROOT).ok();
        var store = Files.getFileStore(d.export);
        long bsize = Integer.toUnsignedLong(r.u32(40));
        assertTrue(bsize > 0);
        assertEquals(store.getTotalSpace(), r.u64(0) * Integer.toUnsignedLong(r.u32(48)), "blocks × frsize = total");
        assertEquals(255, r.u32(44));
    }

    @Test
    void accessChecksTheCaller() throws Exception {
        Files.writeString(d.export.resolve("f"), "x");
        Files.setPosixFilePermissions(d.export.resolve("f"), Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE, java.nio.file.attribute.PosixFilePermission.GROUP_READ,
                java.nio.file.attribute.PosixFilePermission.OTHERS_READ));
        long n = d.lookup(FsDriver.ROOT, "f").nodeid();
        d.access(n, 4 | 2).ok();
        d.access(n, 1).fails(Errno.EACCES);   // even root needs an x bit to execute
        d.uid = 65534;
        d.gid = 65534;
        d.access(n, 4).ok();
        d.access(n, 2).fails(Errno.EACCES);
    }

    @Test
    void namesThatWouldLeaveTheExportAreRefused() throws Exception {
        Path outside = d.base.resolve("outside");
        Files.createDirectory(outside);
        Files.writeString(outside.resolve("secret"), "s");
        Set<String> before;
        try (var s = Files.list(d.base)) {
            before = s.map(Path::toString).collect(java.util.stream.Collectors.toSet());
        }

        d.lookup(FsDriver.ROOT, "../outside").fails(Errno.EINVAL);
        d.lookup(FsDriver.ROOT, "a/b").fails(Errno.EINVAL);
        assertEquals(FsDriver.ROOT, d.lookup(FsDriver.ROOT, "..").nodeid(), ".. of the export is the export");
        assertEquals(FsDriver.ROOT, d.lookup(FsDriver.ROOT, ".").nodeid());
        d.mkdir(FsDriver.ROOT, "..", 0755).fails(Errno.EINVAL);
        d.mkdir(FsDriver.ROOT, "../evil", 0755).fails(Errno.EINVAL);
        d.create(FsDriver.ROOT, "../evil", OpenFlags.O_WRONLY, 0644).fails(Errno.EINVAL);
        d.symlink(FsDriver.ROOT, "../evil", "x").fails(Errno.EINVAL);
        d.unlink(FsDriver.ROOT, "../outside/secret").fails(Errno.EINVAL);
        d.unlink(FsDriver.ROOT, "..").fails(Errno.EINVAL);
        d.rename(FsDriver.ROOT, "..", FsDriver.ROOT, "x").fails(Errno.EINVAL);
        d.rmdir(FsDriver.ROOT, "..").fails(Errno.EINVAL);
        d.lookup(FsDriver.ROOT, "x".repeat(256)).fails(Errno.ENAMETOOLONG);
        d.lookup(FsDriver.ROOT, "").fails(Errno.ENOENT);

        // a symlink pointing outside is returned as a symlink; lookups through it are not possible
        long ln = d.symlink(FsDriver.ROOT, "out", outside.toString()).nodeid();
        d.lookup(ln, "secret").fails(Errno.ENOTDIR);

        try (var s = Files.list(d.base)) {
            assertEquals(before, s.map(Path::toString).collect(java.util.stream.Collectors.toSet()));
        }
        assertEquals("s", Files.readString(outside.resolve("secret")));
        try (var s = Files.list(outside)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void dotDotBelowTheRootIsTheParent() throws Exception {
        long sub = d.mkdir(FsDriver.ROOT, "sub", 0755).nodeid();
        long subsub = d.mkdir(sub, "subsub", 0755).nodeid();
        assertEquals(sub, d.lookup(subsub, "..").nodeid());
        assertEquals(FsDriver.ROOT, d.lookup(sub, "..").nodeid());
    }

    @Test
    void namesAreBytesNotText() throws Exception {
        byte[] latin1 = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);   // not valid UTF-8
        Reply r = d.call(Opcode.MKDIR, FsDriver.ROOT, new RequestBody().u32(0755).u32(0).raw(latin1).zeros(1)).ok();
        assertTrue(r.nodeid() > 1);
        Reply again = d.call(Opcode.LOOKUP, FsDriver.ROOT, new RequestBody().raw(latin1).zeros(1)).ok();
        assertEquals(r.nodeid(), again.nodeid());
    }
}
