package qtfs.server.fs;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qtfs.fuse.proto.Dirent;
import qtfs.fuse.proto.Opcode;
import qtfs.sys.Dirents;
import qtfs.sys.Errno;

import static org.junit.jupiter.api.Assertions.*;

/** OPENDIR / READDIR / READDIRPLUS: complete listings in small pieces, resumed by offset. */
class DirectoryTest {
    private static final int FILES = 300;
    private FsDriver d;

    @BeforeEach
    void setUp() throws Exception {
        d = FsDriver.open();
        for (int i = 0; i < FILES; i++) Files.writeString(d.export.resolve(name(i)), "x");
        Files.createDirectory(d.export.resolve("a-directory"));
    }

    @AfterEach
    void tearDown() throws Exception {
        d.close();
    }

    private static String name(int i) {
        return "file-with-a-rather-long-name-" + i;
    }

    private static Set<String> expected() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < FILES; i++) names.add(name(i));
        names.add("a-directory");
        names.add(".");
        names.add("..");
        return names;
    }

    /** Lists the whole directory with requests of {@code size} bytes; checks every reply fits. */
    private List<FsDriver.Entry> listAll(boolean plus, int size) {
        long fh = d.opendir(FsDriver.ROOT).fh();
        List<FsDriver.Entry> all = new ArrayList<>();
        long offset = 0;
        for (int round = 0; round < 10_000; round++) {
            Reply r = d.readdir(FsDriver.ROOT, fh, offset, size, plus).ok();
            assertTrue(r.body().byteSize() <= size, "reply of " + r.body().byteSize() + " bytes for a request of " + size);
            List<FsDriver.Entry> got = FsDriver.entries(r, plus);
            if (got.isEmpty()) break;
            all.addAll(got);
            offset = got.get(got.size() - 1).off();
        }
        d.releasedir(FsDriver.ROOT, fh).ok();
        return all;
    }

    @Test
    void readdirListsEverythingOnceAcrossManyRequests() {
        List<FsDriver.Entry> all = listAll(false, 1024);
        List<String> names = all.stream().map(FsDriver.Entry::name).toList();
        assertEquals(expected(), new HashSet<>(names));
        assertEquals(names.size(), new HashSet<>(names).size(), "no entry twice");
        FsDriver.Entry dir = all.stream().filter(e -> e.name().equals("a-directory")).findFirst().orElseThrow();
        assertEquals(Dirents.DT_DIR, dir.type());
        assertEquals(0, d.fs.openHandleCount());
    }

    @Test
    void readdirplusLooksUpEachEntryButTheDots() {
        int before = d.fs.nodeCount();
        List<FsDriver.Entry> all = listAll(true, 4096);
        assertEquals(expected(), new HashSet<>(all.stream().map(FsDriver.Entry::name).toList()));
        for (FsDriver.Entry e : all) {
            if (e.name().equals(".") || e.name().equals("..")) assertEquals(0, e.nodeid(), e.name());
            else assertTrue(e.nodeid() > 1, e.name());
        }
        assertEquals(before + FILES + 1, d.fs.nodeCount(), "each entry counted as a lookup");
        // the node ids are the ones LOOKUP gives, and each entry holds one reference
        FsDriver.Entry some = all.stream().filter(e -> e.name().equals(name(7))).findFirst().orElseThrow();
        assertEquals(some.nodeid(), d.lookup(FsDriver.ROOT, name(7)).nodeid());
        for (FsDriver.Entry e : all) if (e.nodeid() != 0) d.forget(e.nodeid(), e.name().equals(name(7)) ? 2 : 1);
        assertEquals(before, d.fs.nodeCount());
    }

    @Test
    void anEntryThatDoesNotFitWaitsForTheNextRequest() {
        long fh = d.opendir(FsDriver.ROOT).fh();
        int one = Dirent.plusSize(name(0).length());
        Reply r = d.readdir(FsDriver.ROOT, fh, 0, one + 8, true).ok();
        List<FsDriver.Entry> first = FsDriver.entries(r, true);
        assertEquals(1, first.size());
        Reply next = d.readdir(FsDriver.ROOT, fh, first.get(0).off(), 64 * 1024, true).ok();
        assertNotEquals(first.get(0).name(), FsDriver.entries(next, true).get(0).name());
    }

    @Test
    void readdirOnAFileHandleOrUnknownHandleFails() throws Exception {
        long[] f = d.createFile("plain", new byte[0]);
        d.readdir(f[0], f[1], 0, 4096, false).fails(Errno.ENOTDIR);
        d.readdir(FsDriver.ROOT, 999_999, 0, 4096, false).fails(Errno.EBADF);
        d.opendir(f[0]).fails(Errno.ENOTDIR);
    }

    @Test
    void fsyncdir() {
        long fh = d.opendir(FsDriver.ROOT).fh();
        d.call(Opcode.FSYNCDIR, FsDriver.ROOT, new RequestBody().u64(fh).u32(0).u32(0)).ok();
    }
}
