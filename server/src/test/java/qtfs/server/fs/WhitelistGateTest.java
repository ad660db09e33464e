package qtfs.server.fs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import qtfs.fuse.proto.Opcode;
import qtfs.server.whitelist.Section;
import qtfs.server.whitelist.Whitelist;
import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.OpenFlags;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Each whitelist section gates its operations on the server's own path of the target: the
 * export has an "open" subdirectory where every section allows everything, and a "closed"
 * one where only the sections a test names do.
 */
class WhitelistGateTest {
    private FsDriver d;
    private final List<String> log = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override public void publish(LogRecord r) { log.add(r.getMessage()); }
        @Override public void flush() {}
        @Override public void close() {}
    };
    private final Logger julLogger = Logger.getLogger(AccessPolicy.class.getName());

    @AfterEach
    void tearDown() throws Exception {
        julLogger.removeHandler(capture);
        julLogger.setUseParentHandlers(true);
        julLogger.setLevel(null);
        if (d != null) d.close();
    }

    /** Export with everything allowed in export/open, and in export/closed only {@code allowedInClosed}. */
    private void start(Section... allowedInClosed) throws Exception {
        d = FsDriver.open(export -> {
            StringBuilder b = new StringBuilder("[Mount]\nPath=" + export + "\n");
            for (Section s : Section.values()) {
                if (s == Section.MOUNT) continue;
                b.append('[').append(s.title).append("]\nPath=").append(export.resolve("open"));
                if (List.of(allowedInClosed).contains(s)) b.append(';').append(export.resolve("closed"));
                b.append('\n');
            }
            return b.toString();
        });
        julLogger.addHandler(capture);
        julLogger.setUseParentHandlers(false);   // keep the expected denials out of the build output
        julLogger.setLevel(java.util.logging.Level.INFO);
        Files.createDirectory(d.export.resolve("open"));
        Files.createDirectory(d.export.resolve("closed"));
        Files.writeString(d.export.resolve("closed/file"), "data");
        Files.writeString(d.export.resolve("open/file"), "data");
        Files.createDirectory(d.export.resolve("closed/dir"));
    }

    private long closed() { return d.lookup(FsDriver.ROOT, "closed").nodeid(); }
    private long open() { return d.lookup(FsDriver.ROOT, "open").nodeid(); }
    private long closedFile() { return d.lookup(closed(), "file").nodeid(); }

    private void assertDenied(Reply r, String op, String path, Section section) {
        r.fails(Errno.EACCES);
        String expected = "denied " + op + " on " + path + ": not in [" + section.title + "]";
        assertTrue(log.contains(expected), () -> "log " + log + " lacks '" + expected + "'");
    }

    @Test
    void readsAndListingsNeedTheirSections() throws Exception {
        start();
        String file = d.export.resolve("closed/file").toString();
        assertDenied(d.open(closedFile(), OpenFlags.O_RDONLY), "OPEN", file, Section.OPEN);
        assertDenied(d.opendir(closed()), "OPENDIR", d.export.resolve("closed").toString(), Section.READDIR);
        // what needs no section works anywhere in the export
        d.getattr(closedFile()).ok();
        d.access(closedFile(), 4).ok();
        d.statfs(closedFile()).ok();
        d.getxattr(closedFile(), "user.x", 10).fails(Errno.ENODATA);
        d.listxattr(closedFile(), 0).ok();
    }

    @Test
    void openChecksReadAndWriteSeparately() throws Exception {
        start(Section.OPEN, Section.READ);
        String file = d.export.resolve("closed/file").toString();
        long f = closedFile();
        d.open(f, OpenFlags.O_RDONLY).ok();
        assertDenied(d.open(f, OpenFlags.O_WRONLY), "OPEN", file, Section.WRITE);
        assertDenied(d.open(f, OpenFlags.O_RDWR), "OPEN", file, Section.WRITE);
        assertDenied(d.open(f, OpenFlags.O_RDONLY | OpenFlags.O_TRUNC), "OPEN", file, Section.WRITE);
        assertEquals("data", Files.readString(d.export.resolve("closed/file")));
    }

    @Test
    void writeOnlyAreaRefusesReading() throws Exception {
        start(Section.OPEN, Section.WRITE);
        long f = closedFile();
        d.open(f, OpenFlags.O_WRONLY).ok();
        assertDenied(d.open(f, OpenFlags.O_RDONLY), "OPEN", d.export.resolve("closed/file").toString(), Section.READ);
    }

    @Test
    void creatingNeedsCreateAndTheSectionsOfTheOpen() throws Exception {
        start(Section.OPEN, Section.READ, Section.WRITE, Section.MKDIR);
        long c = closed();
        String target = d.export.resolve("closed/new").toString();
        assertDenied(d.create(c, "new", OpenFlags.O_WRONLY, 0644), "CREATE", target, Section.CREATE);
        assertDenied(d.mknod(c, "new", 0010644), "MKNOD", target, Section.CREATE);
        assertDenied(d.symlink(c, "new", "x"), "SYMLINK", target, Section.CREATE);
        assertDenied(d.link(d.lookup(open(), "file").nodeid(), c, "new"), "LINK", target, Section.CREATE);
        assertFalse(Files.exists(d.export.resolve("closed/new"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        d.mkdir(c, "newdir", 0755).ok();
    }

    @Test
    void createInAnAreaWithoutWriteIsRefused() throws Exception {
        start(Section.OPEN, Section.READ, Section.CREATE);
        assertDenied(d.create(closed(), "new", OpenFlags.O_WRONLY, 0644), "CREATE",
                d.export.resolve("closed/new").toString(), Section.WRITE);
        d.create(closed(), "new", OpenFlags.O_RDONLY, 0644).ok();
    }

    @Test
    void removalNeedsItsSection() throws Exception {
        start();
        long c = closed();
        assertDenied(d.unlink(c, "file"), "UNLINK", d.export.resolve("closed/file").toString(), Section.UNLINK);
        assertDenied(d.rmdir(c, "dir"), "RMDIR", d.export.resolve("closed/dir").toString(), Section.RMDIR);
        assertDenied(d.mkdir(c, "x", 0755), "MKDIR", d.export.resolve("closed/x").toString(), Section.MKDIR);
        assertTrue(Files.exists(d.export.resolve("closed/file")));
        assertTrue(Files.exists(d.export.resolve("closed/dir")));
    }

    @Test
    void renameChecksSourceAndDestination() throws Exception {
        start();
        long c = closed(), o = open();
        assertDenied(d.rename(c, "file", o, "moved"), "RENAME", d.export.resolve("closed/file").toString(), Section.RENAME);
        log.clear();
        assertDenied(d.rename(o, "file", c, "moved"), "RENAME", d.export.resolve("closed/moved").toString(), Section.RENAME);
        assertDenied(d.rename2(o, "file", c, "file", 2), "RENAME2", d.export.resolve("closed/file").toString(), Section.RENAME);
        assertEquals("data", Files.readString(d.export.resolve("open/file")));
        assertFalse(Files.exists(d.export.resolve("closed/moved")));
        d.rename(o, "file", o, "renamed").ok();
    }

    @Test
    void settingFileFlagsNeedsSetattrReadingThemNothing() throws Exception {
        start(Section.OPEN, Section.READ);
        long f = closedFile();
        long fh = d.open(f, OpenFlags.O_RDONLY).fh();
        d.call(Opcode.IOCTL, f, new RequestBody().u64(fh).u32(0).u32(qtfs.sys.Ioctls.FS_IOC_GETFLAGS).u64(0).u32(0).u32(4)).ok();
        assertDenied(d.call(Opcode.IOCTL, f, new RequestBody().u64(fh).u32(0).u32(qtfs.sys.Ioctls.FS_IOC_SETFLAGS).u64(0)
                .u32(4).u32(0).u32(0x20 /* FS_APPEND_FL */)), "IOCTL", d.export.resolve("closed/file").toString(), Section.SETATTR);
    }

    @Test
    void attributeChangesNeedSetattrAndSizeAlsoWrite() throws Exception {
        start(Section.SETATTR);
        long f = closedFile();
        String file = d.export.resolve("closed/file").toString();
        d.setattr(f, 1, 0, 0, 0, 0, 0, 0, 0600, 0, 0).ok();
        assertDenied(d.setattr(f, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0), "SETATTR", file, Section.WRITE);
        assertEquals(4, Files.size(d.export.resolve("closed/file")));
        assertDenied(d.setxattr(f, "user.a", new byte[] {1}, 0), "SETXATTR", file, Section.SETXATTR);
        assertDenied(d.removexattr(f, "user.a"), "REMOVEXATTR", file, Section.SETXATTR);
    }

    @Test
    void setattrWithoutTheSectionIsRefused() throws Exception {
        start();
        assertDenied(d.setattr(closedFile(), 1, 0, 0, 0, 0, 0, 0, 0600, 0, 0), "SETATTR",
                d.export.resolve("closed/file").toString(), Section.SETATTR);
    }

    @Test
    void theGateUsesWhereTheFileIsNowNotWhereItWasOpened() throws Exception {
        start();
        long o = open();
        long n = d.lookup(o, "file").nodeid();
        long fh = d.open(n, OpenFlags.O_RDWR).fh();
        d.fallocate(n, fh, 0, 4096, 0).ok();
        long[] dest = {d.lookup(o, "file").nodeid(), fh};
        // moved on the server into the area without [Write]
        Files.move(d.export.resolve("open/file"), d.export.resolve("closed/moved"));
        assertDenied(d.fallocate(n, fh, 0, 8192, 0), "FALLOCATE", d.export.resolve("closed/moved").toString(), Section.WRITE);
        long src = d.create(o, "src", OpenFlags.O_RDWR, 0644).createFh();
        long srcNode = d.lookup(o, "src").nodeid();
        assertDenied(d.copyFileRange(srcNode, src, 0, dest[0], dest[1], 0, 1), "COPY_FILE_RANGE",
                d.export.resolve("closed/moved").toString(), Section.WRITE);
    }

    @Test
    void anExportOutsideMountIsRefused() throws Exception {
        Path base = Files.createTempDirectory(Path.of("/tmp"), "qtfs-gate-");
        try {
            Whitelist wl = Whitelist.parse("[Mount]\nPath=" + base.resolve("other") + "\n", "test");
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> FileSystemSession.open(base.toString(), wl, FsDriver.INIT));
            assertEquals(Errno.EACCES, e.errno());
            assertTrue(e.getMessage().contains(base.toString()), e.getMessage());
            // a symlink into a [Mount] entry is judged by where it leads
            Files.createDirectory(base.resolve("other"));
            Files.createSymbolicLink(base.resolve("link"), base.resolve("other"));
            try (FileSystemSession s = FileSystemSession.open(base.resolve("link").toString(), wl, FsDriver.INIT)) {
                assertEquals(base.resolve("other").toString(), s.exportPath());
            }
        } finally {
            Files.deleteIfExists(base.resolve("link"));
            Files.deleteIfExists(base.resolve("other"));
            Files.delete(base);
        }
    }

    @Test
    void oldProtocolsAreRefused() throws Exception {
        Path base = Files.createTempDirectory(Path.of("/tmp"), "qtfs-gate-");
        try {
            Whitelist wl = Whitelist.parse("[Mount]\nPath=" + base + "\n", "test");
            var old = new qtfs.fuse.proto.InitParams(7, 8, 0, 4096, 4096, 1, 1);
            assertEquals(Errno.EPROTO, assertThrows(ErrnoException.class, () -> FileSystemSession.open(base.toString(), wl, old)).errno());
        } finally {
            Files.delete(base);
        }
    }

    @Test
    void lookupsNeedNoSection() throws Exception {
        start();
        d.lookup(closed(), "file").ok();
        d.call(Opcode.READLINK, d.symlink(open(), "ln", "x").nodeid()).ok();
    }
}
