package qtfs.server.fs;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qtfs.fuse.proto.EntryOut;
import qtfs.fuse.proto.Le;
import qtfs.fuse.proto.Notify;
import qtfs.fuse.proto.OutHeader;
import qtfs.sys.Fanotify;
import qtfs.sys.OpenFlags;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Which invalidations each session's client gets for changes made on the server and through
 * other sessions, and that a client's own changes cost it none.
 */
class ChangeWatcherTest {
    private static final long GIVE_UP_NANOS = 10_000_000_000L;

    private ChangeWatcher watcher;
    private FsDriver a, b;

    @BeforeEach
    void setUp() throws Exception {
        watcher = ChangeWatcher.start();
        assertTrue(watcher.active(), "fanotify must be available (the tests run as root)");
        Path export = Files.createTempDirectory(Path.of("/tmp"), "qtfs-coherence-test-");
        Files.writeString(export.resolve("marker"), "");
        a = FsDriver.watched(watcher, export, FsDriver.allSections(export));
    }

    /** Sessions a and b serve one export (a deletes it on close). */
    private void twoSessions() throws Exception {
        b = FsDriver.watched(watcher, a.export, FsDriver.allSections(a.export));
    }

    /**
     * A server process changes the file "marker", which {@code d} knows: once the client is told,
     * every change made before has been told too (events are read, and notifications sent, in order).
     */
    private void markerChange(FsDriver d) throws Exception {
        String node = file(d, "marker");
        Path marker = d.export.resolve("marker");
        boolean readable = Files.getPosixFilePermissions(marker).contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ);
        Files.setPosixFilePermissions(marker, PosixFilePermissions.fromString(readable ? "rw-------" : "rw-r-----"));
        awaitPushed(d, "inode " + node + " -1");
    }

    /** {@code d} has been told nothing since it was last settled, but for a marker change made now. */
    private void assertToldNothingMore(FsDriver d, String why) throws Exception {
        markerChange(d);
        assertEquals(List.of("inode " + file(d, "marker") + " -1"), pushed(d), why);
    }

    /** Waits until {@code d} has been told everything so far, then forgets what it was told. */
    private void settle(FsDriver d) throws Exception {
        markerChange(d);
        d.pushed.clear();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (b != null) b.close();
        if (a != null) {
            a.close();
            try (var walk = Files.walk(a.export)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
        if (watcher != null) watcher.close();
    }

    /** "inode NODE OFFSET" or "entry DIR NAME" for each notification pushed to {@code d}. */
    private static List<String> pushed(FsDriver d) {
        List<String> out = new ArrayList<>();
        for (byte[] n : d.pushed) {
            MemorySegment m = MemorySegment.ofArray(n);
            if (Notify.code(m) == Notify.INVAL_INODE) {
                out.add("inode " + m.get(Le.U64, OutHeader.SIZE) + " " + m.get(Le.U64, OutHeader.SIZE + 8));
            } else {
                int len = m.get(Le.U32, OutHeader.SIZE + 8);
                out.add("entry " + m.get(Le.U64, OutHeader.SIZE) + " "
                        + new String(n, Notify.INVAL_ENTRY_HEADER_SIZE, len, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > GIVE_UP_NANOS) fail("gave up waiting: " + what);
            Thread.sleep(10);
        }
    }

    private static void awaitPushed(FsDriver d, String notification) throws InterruptedException {
        await(notification + " (pushed so far: " + pushed(d) + ")", () -> pushed(d).contains(notification));
    }

    private static String file(FsDriver d, String name) {
        return String.valueOf(d.lookup(FsDriver.ROOT, name).nodeid());
    }

    @Test
    void serverChangesReachTheSessionThatKnowsTheNode() throws Exception {
        Path f = Files.writeString(a.export.resolve("f"), "one");
        String node = file(a, "f");
        Files.writeString(f, "two", java.nio.file.StandardOpenOption.APPEND);
        awaitPushed(a, "inode " + node + " 0");   // data and attributes
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        awaitPushed(a, "inode " + node + " -1");   // attributes only
        Files.writeString(a.export.resolve("new"), "x");
        awaitPushed(a, "entry 1 new");
        awaitPushed(a, "inode 1 0");   // the directory's listing, times and size
        Files.move(f, a.export.resolve("g"));
        awaitPushed(a, "entry 1 f");
        awaitPushed(a, "entry 1 g");
        Files.delete(a.export.resolve("new"));
        a.pushed.clear();
        Files.delete(a.export.resolve("g"));
        awaitPushed(a, "entry 1 g");
    }

    @Test
    void nodesTheClientDoesNotKnowCostNothing() throws Exception {
        Files.createDirectory(a.export.resolve("unlooked"));
        Path f = Files.writeString(a.export.resolve("f"), "one");
        settle(a);
        Files.writeString(a.export.resolve("unlooked/inside"), "x");
        Files.writeString(f, "two");
        assertToldNothingMore(a, "neither f nor unlooked are known");
    }

    @Test
    void aSessionsOwnWritesInvalidateOnlyTheOtherSessions() throws Exception {
        twoSessions();
        Files.writeString(a.export.resolve("f"), "");
        String nodeA = file(a, "f"), nodeB = file(b, "f");
        settle(a);
        long fh = a.open(Long.parseLong(nodeA), OpenFlags.O_WRONLY).fh();
        byte[] block = new byte[4096];
        for (int i = 0; i < 200; i++) a.write(Long.parseLong(nodeA), fh, (long) i * block.length, block);
        a.release(Long.parseLong(nodeA), fh);
        awaitPushed(b, "inode " + nodeB + " 0");
        assertToldNothingMore(a, "the writer's client is told nothing of its own writes");
        assertTrue(watcher.ownEventCount() >= 1, "the writes' own fanotify events were read and skipped");
        long toB = pushed(b).stream().filter(s -> s.equals("inode " + nodeB + " 0")).count();
        assertTrue(toB >= 1 && toB <= 200, "b is told of the writes, coalesced while queued: " + toB + " for 200 writes");
    }

    @Test
    void namesChangedThroughOneSessionAreForgottenByTheOther() throws Exception {
        twoSessions();
        Files.writeString(a.export.resolve("f"), "x");
        a.lookup(FsDriver.ROOT, "f");
        b.lookup(FsDriver.ROOT, "f");
        assertEquals(0, b.lookup(FsDriver.ROOT, "g").nodeid(), "g is missing");
        settle(a);
        a.rename(FsDriver.ROOT, "f", FsDriver.ROOT, "g");
        awaitPushed(b, "entry 1 f");
        awaitPushed(b, "entry 1 g");
        a.mkdir(FsDriver.ROOT, "d", 0755);
        awaitPushed(b, "entry 1 d");
        assertToldNothingMore(a, "a made those changes itself");
    }

    @Test
    void aLinkCountChangedThroughOneSessionIsForgottenByTheOther() throws Exception {
        twoSessions();
        Files.writeString(a.export.resolve("f"), "x");
        Files.createLink(a.export.resolve("h"), a.export.resolve("f"));
        Files.writeString(a.export.resolve("r"), "x");
        String f = file(b, "f"), r = file(b, "r");
        a.unlink(FsDriver.ROOT, "h");
        awaitPushed(b, "inode " + f + " -1");
        a.rename(FsDriver.ROOT, "f", FsDriver.ROOT, "r");   // r replaced: its last link gone
        awaitPushed(b, "inode " + r + " -1");
    }

    @Test
    void anOverflowMakesEveryClientForgetEverything() throws Exception {
        Files.createDirectory(a.export.resolve("d"));
        Files.writeString(a.export.resolve("d/f"), "x");
        long d = a.lookup(FsDriver.ROOT, "d").nodeid();
        long f = a.lookup(d, "f").nodeid();
        watcher.dispatch(new Fanotify.Event(Fanotify.Q_OVERFLOW, 0, null, null, null));
        awaitPushed(a, "entry " + d + " f");
        for (String n : List.of("inode 1 0", "inode " + d + " 0", "entry 1 d", "inode " + f + " 0")) {
            awaitPushed(a, n);
        }
    }

    @Test
    void whatCouldNotBeSentIsMadeUpForOnceTheClientIsBack() throws Exception {
        Files.writeString(a.export.resolve("f"), "x");
        long f = a.lookup(FsDriver.ROOT, "f").nodeid();
        settle(a);
        a.reachable = false;
        Files.writeString(a.export.resolve("f"), "changed while away");
        Thread.sleep(300);
        assertEquals(List.of(), pushed(a));
        a.reachable = true;
        a.fs.clientConnected();
        awaitPushed(a, "inode " + f + " 0");
        awaitPushed(a, "entry 1 f");
        awaitPushed(a, "inode 1 0");
    }

    @Test
    void watchedFilesAreCachedForLongAndMissingNamesBriefly() throws Exception {
        Files.writeString(a.export.resolve("f"), "x");
        Reply found = a.lookup(FsDriver.ROOT, "f");
        assertEquals(60, found.u64(EntryOut.ENTRY_VALID), "entry timeout of a watched file");
        assertEquals(60, found.u64(EntryOut.ATTR_VALID), "attribute timeout of a watched file");
        Reply missing = a.call(qtfs.fuse.proto.Opcode.LOOKUP, FsDriver.ROOT, new RequestBody().name("absent"));
        assertEquals(1, missing.u64(EntryOut.ENTRY_VALID), "a missing name: at most 1 s, no notification reaches it");
    }

    @Test
    void volatileFilesAreNotCachedAtAll() throws Exception {
        FsDriver proc = FsDriver.watched(watcher, Path.of("/proc/sys/kernel"), "[Mount]\nPath=/proc/sys/kernel\n");
        try {
            Reply found = proc.lookup(FsDriver.ROOT, "hostname");
            assertEquals(0, found.u64(EntryOut.ENTRY_VALID));
            assertEquals(0, found.u64(EntryOut.ATTR_VALID));
        } finally {
            proc.close();
        }
    }

    @Test
    void watchedDirectoriesMayKeepTheirListingsInTheClientAndOthersMayNot() throws Exception {
        Files.createDirectory(a.export.resolve("d"));
        int cached = qtfs.fuse.proto.OpenOut.FOPEN_CACHE_DIR | qtfs.fuse.proto.OpenOut.FOPEN_KEEP_CACHE;
        int watchedFlags = a.opendir(a.lookup(FsDriver.ROOT, "d").nodeid()).u32(8);
        assertEquals(cached, watchedFlags & cached, "a watched directory's listing is dropped on every change, so it may be cached");
        FsDriver proc = FsDriver.watched(watcher, Path.of("/proc/sys"), "[Mount]\nPath=/proc/sys\n[Readdir]\nPath=/proc/sys\n");
        try {
            int volatileFlags = proc.opendir(proc.lookup(FsDriver.ROOT, "kernel").nodeid()).u32(8);
            assertEquals(0, volatileFlags & cached, "a /proc listing changes by itself");
        } finally {
            proc.close();
        }
        FsDriver unwatched = FsDriver.open();
        try {
            Files.createDirectory(unwatched.export.resolve("d"));
            int unwatchedFlags = unwatched.opendir(unwatched.lookup(FsDriver.ROOT, "d").nodeid()).u32(8);
            assertEquals(0, unwatchedFlags & cached, "nobody would tell the client of changes");
        } finally {
            unwatched.close();
        }
    }
}
