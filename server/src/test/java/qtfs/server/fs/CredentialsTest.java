package qtfs.server.fs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qtfs.sys.Credentials;
import qtfs.sys.Errno;
import qtfs.sys.OpenFlags;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Requests run with the caller's fsuid, fsgid and groups on the worker thread, so the server
 * kernel decides permissions. The driver calls handle() on its own platform thread.
 */
class CredentialsTest {
    private static final int NOBODY = 65534;
    /** struct vfs_cap_data, revision 2, permitting CAP_NET_BIND_SERVICE. */
    private static final byte[] FILE_CAP_NET_BIND_SERVICE = new RequestBody()
            .u32(0x02000000).u32(1 << 10).u32(0).u32(0).u32(0).toBytes();
    private FsDriver d;

    @BeforeEach
    void setUp() throws Exception {
        d = FsDriver.open();
        Files.setAttribute(d.export, "unix:mode", 01777);   // like /tmp: anyone may create, only owners remove
    }

    @AfterEach
    void tearDown() throws Exception {
        d.close();
    }

    private void actAs(int uid, int gid, int... groups) {
        d.uid = uid;
        d.gid = gid;
        d.groups = groups;
    }

    @Test
    void anOrdinaryCallerCannotWriteRootsFileButRootCan() throws Exception {
        Path f = Files.writeString(d.export.resolve("rootfile"), "root");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        long n = d.lookup(FsDriver.ROOT, "rootfile").nodeid();

        actAs(NOBODY, NOBODY);
        d.open(n, OpenFlags.O_WRONLY).fails(Errno.EACCES);
        d.open(n, OpenFlags.O_RDONLY).ok();
        d.setattr(n, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0).fails(Errno.EACCES);
        d.setattr(n, 1, 0, 0, 0, 0, 0, 0, 0777, 0, 0).fails(Errno.EPERM);
        d.unlink(FsDriver.ROOT, "rootfile").fails(Errno.EPERM);   // sticky directory
        assertEquals("root", Files.readString(f));

        actAs(0, 0);
        long fh = d.open(n, OpenFlags.O_WRONLY).fh();
        d.write(n, fh, 0, "ROOT".getBytes()).ok();
        assertEquals("ROOT", Files.readString(f));
    }

    private int modeOf(String name) throws Exception {
        return (int) Files.getAttribute(d.export.resolve(name), "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    @Test
    void anEmptySetattrDropsSetIdBitsAsChownToTheSameOwnerDoes() throws Exception {
        // chown(f, -1, -1) reaches the server as a SETATTR that names no attribute
        actAs(1000, 1000);
        Reply c = d.create(FsDriver.ROOT, "f", OpenFlags.O_WRONLY, 0644).ok();
        d.release(c.nodeid(), c.createFh()).ok();
        long n = c.nodeid();
        d.setattr(n, 1, 0, 0, 0, 0, 0, 0, 06755, 0, 0).ok();
        d.setattr(n, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).ok();
        assertEquals(0755, modeOf("f"));
        d.setattr(n, 1, 0, 0, 0, 0, 0, 0, 02745, 0, 0).ok();
        d.setattr(n, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).ok();
        assertEquals(02745, modeOf("f"), "set-group-id without group execute stays for a group member");

        // a stranger's (sent before its write) neither fails nor changes the file
        d.setattr(n, 1, 0, 0, 0, 0, 0, 0, 06755, 0, 0).ok();
        actAs(1001, 1001);
        d.setattr(n, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).ok();
        assertEquals(06755, modeOf("f"));

        actAs(0, 0);
        d.setattr(n, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).ok();
        assertEquals(0755, modeOf("f"), "root's chown(-1, -1) drops them too");
        long dir = d.mkdir(FsDriver.ROOT, "sd", 0755).nodeid();
        d.setattr(dir, 1, 0, 0, 0, 0, 0, 0, 06755, 0, 0).ok();
        d.setattr(dir, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).ok();
        assertEquals(06755, modeOf("sd"), "directories keep theirs");
    }

    @Test
    void filesAreCreatedOwnedByTheCaller() throws Exception {
        actAs(1000, 1001);
        Reply c = d.create(FsDriver.ROOT, "mine", OpenFlags.O_WRONLY, 0600).ok();
        Reply dir = d.mkdir(FsDriver.ROOT, "mydir", 0700).ok();
        Reply ln = d.symlink(FsDriver.ROOT, "mylink", "mine").ok();
        for (String name : new String[] {"mine", "mydir", "mylink"}) {
            Path p = d.export.resolve(name);
            assertEquals(1000, Files.getAttribute(p, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS), name);
            assertEquals(1001, Files.getAttribute(p, "unix:gid", java.nio.file.LinkOption.NOFOLLOW_LINKS), name);
        }
        assertEquals(1000, FuseAttrOf.uid(c));
        assertEquals(1000, FuseAttrOf.uid(dir));
        assertEquals(1000, FuseAttrOf.uid(ln));

        // the owner may chmod, a stranger may not, and cannot give the file away
        long n = c.nodeid();
        d.setattr(n, 1, 0, 0, 0, 0, 0, 0, 0644, 0, 0).ok();
        d.setattr(n, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0).fails(Errno.EPERM);
        actAs(2000, 2000);
        d.setattr(n, 1, 0, 0, 0, 0, 0, 0, 0666, 0, 0).fails(Errno.EPERM);
        d.create(d.lookup(FsDriver.ROOT, "mydir").nodeid(), "x", OpenFlags.O_WRONLY, 0600).fails(Errno.EACCES);
    }

    @Test
    void supplementaryGroupsCount() throws Exception {
        Path f = Files.writeString(d.export.resolve("groupfile"), "g");
        Files.setAttribute(f, "unix:gid", 4321);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---rw----"));
        long n = d.lookup(FsDriver.ROOT, "groupfile").nodeid();
        actAs(1000, 1000);
        d.open(n, OpenFlags.O_RDONLY).fails(Errno.EACCES);
        actAs(1000, 1000, 17, 4321);
        d.open(n, OpenFlags.O_RDWR).ok();
        actAs(1000, 4321);
        d.open(n, OpenFlags.O_RDONLY).ok();
    }

    @Test
    void anOrdinaryCallerKeepsNoCapabilities() throws Exception {
        Path f = Files.writeString(d.export.resolve("f"), "x");
        long n = d.lookup(FsDriver.ROOT, "f").nodeid();
        actAs(1000, 1000);
        Files.setAttribute(f, "unix:uid", 1000);
        // root could; an ordinary owner may not write trusted.* or file capabilities
        d.setxattr(n, "trusted.x", new byte[] {1}, 0).fails(Errno.EPERM);
        d.setxattr(n, "security.capability", FILE_CAP_NET_BIND_SERVICE, 0).fails(Errno.EPERM);
        long caps = d.onWorker(Credentials::effectiveCaps);
        assertEquals((1L << 6) | (1L << 7), caps, "only CAP_SETGID and CAP_SETUID remain");
        assertEquals(1000, (int) d.onWorker(Credentials::fsuid));

        actAs(0, 0);
        d.setxattr(n, "trusted.x", new byte[] {1}, 0).ok();
        d.setxattr(n, "security.capability", FILE_CAP_NET_BIND_SERVICE, 0).ok();
        assertNotEquals((1L << 6) | (1L << 7), (long) d.onWorker(Credentials::effectiveCaps), "root has them back");
        assertEquals(0, (int) d.onWorker(Credentials::fsuid));
    }

    @Test
    void aWorkerCanReturnToTheDaemonsIdentity() throws Exception {
        actAs(1000, 1000);
        d.lookup(FsDriver.ROOT, "nothing").missing();
        assertEquals(1000, (int) d.onWorker(Credentials::fsuid));
        d.onWorker(() -> {
            FileSystemSession.restoreThreadIdentity();
            return null;
        });
        assertEquals(0, (int) d.onWorker(Credentials::fsuid));
        assertEquals(Credentials.effectiveCaps(), (long) d.onWorker(Credentials::effectiveCaps));
        // and the next request of that caller switches again
        Reply c = d.create(FsDriver.ROOT, "again", OpenFlags.O_WRONLY, 0600).ok();
        assertEquals(1000, qtfs.fuse.proto.FuseAttr.uid(c.body(), qtfs.fuse.proto.EntryOut.ATTR));
    }

    @Test
    void theTestThreadIsNeverSwitched() throws Exception {
        actAs(1000, 1000);
        d.lookup(FsDriver.ROOT, "nothing").missing();
        assertEquals(0, Credentials.fsuid());
        assertEquals(0, Credentials.fsgid());
    }

    @Test
    void virtualThreadsAreRefused() throws Exception {
        Thread t = Thread.ofVirtual().unstarted(() -> {
            assertThrows(IllegalStateException.class, () -> Credentials.switchThreadTo(1000, 1000, new int[0]));
        });
        t.start();
        t.join();
    }

    /** The uid in an entry reply. */
    private static final class FuseAttrOf {
        static int uid(Reply entry) {
            return qtfs.fuse.proto.FuseAttr.uid(entry.ok().body(), qtfs.fuse.proto.EntryOut.ATTR);
        }
    }
}
