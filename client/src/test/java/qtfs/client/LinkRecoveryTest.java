package qtfs.client;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import qtfs.server.daemon.Liveness;
import qtfs.server.daemon.Qtfsd;
import qtfs.server.daemon.QtfsdConfig;
import qtfs.server.whitelist.Section;
import qtfs.transport.Address;
import qtfs.wire.FrameHeader;

/** A mount whose link to qtfsd breaks: reset, silent, gone for longer than a soft mount waits, and a server that restarted. */
@Timeout(60)
class LinkRecoveryTest {
    private static final Duration HEARTBEAT = Duration.ofMillis(300);
    private static final int RECORDS = 150;

    private Path root;
    private Path export;
    private Path mnt;
    private Address.Unix socket;
    private Qtfsd daemon;
    private FaultyLink link;
    private MountClient client;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createTempDirectory(Path.of("/tmp"), "qtfs-r");
        export = Files.createDirectory(root.resolve("export"));
        mnt = Files.createDirectory(root.resolve("mnt"));
        StringBuilder text = new StringBuilder();
        for (Section s : Section.values()) text.append('[').append(s.title).append("]\nPath=").append(export).append('\n');
        Files.writeString(root.resolve("whitelist"), text);
        socket = new Address.Unix(root.resolve("qtfsd.sock"));
        startDaemon();
        link = new FaultyLink(new Address.Unix(root.resolve("link.sock")), socket);
    }

    private void startDaemon() throws Exception {
        daemon = Qtfsd.start(new QtfsdConfig(List.of(socket), root.resolve("whitelist"), 4, 16, FrameHeader.DEFAULT_MAX_FRAME_SIZE,
                root.resolve("run")), new Liveness(HEARTBEAT, Duration.ofSeconds(30)));
    }

    private void mount(Recovery recovery) throws MountException {
        client = MountClient.mount(new ClientOptions(link.address, export.toString(), mnt, 2, 2, Duration.ZERO, Duration.ZERO, false, false),
                recovery);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (link != null) link.thaw();
            if (client != null) client.close();
        } finally {
            try {
                Mounts.forceUnmount(mnt);
            } finally {
                try {
                    if (link != null) link.close();
                } finally {
                    if (daemon != null) daemon.close();
                    Mounts.deleteTree(root);
                }
            }
        }
    }

    private static byte[] record(int i) {
        return String.format("record %06d\n", i).getBytes(StandardCharsets.US_ASCII);
    }

    /** Appends numbered records, each made durable before the next; counts the acknowledged ones. */
    private Thread writer(Path file, AtomicInteger acknowledged, AtomicReference<Throwable> failure) {
        return Thread.ofPlatform().name("record-writer").start(() -> {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                for (int i = 0; i < RECORDS; i++) {
                    ch.write(ByteBuffer.wrap(record(i)));
                    ch.force(true);
                    acknowledged.set(i + 1);
                    Thread.sleep(5);
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
    }

    private static void awaitCount(AtomicInteger n, int atLeast, Thread writer) throws InterruptedException {
        while (n.get() < atLeast && writer.isAlive()) Thread.sleep(5);
    }

    private void assertAllRecords(Path file) throws IOException {
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < RECORDS; i++) expected.append(new String(record(i), StandardCharsets.US_ASCII));
        assertEquals(expected.toString(), Files.readString(file), "every record once, in order, none torn");
    }

    @Test
    void aWriterGoesOnThroughResetAndSilentLinks() throws Exception {
        mount(new Recovery(HEARTBEAT, true, Duration.ofSeconds(60)));
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread w = writer(mnt.resolve("log"), acknowledged, failure);

        awaitCount(acknowledged, 30, w);
        link.cut();
        awaitCount(acknowledged, 70, w);
        link.cut();
        awaitCount(acknowledged, 90, w);
        link.freeze();
        // silent for longer than three heartbeats: both ends give the connections up; the client reconnects once it can
        Thread.sleep(HEARTBEAT.multipliedBy(6));
        link.thaw();
        w.join(Duration.ofSeconds(45));
        assertFalse(w.isAlive(), "the writer finished");
        assertNull(failure.get(), () -> "the writer failed: " + failure.get());
        assertEquals(RECORDS, acknowledged.get());
        assertAllRecords(export.resolve("log"));
    }

    @Test
    void aSilentServerIsNoticedByTheHeartbeat() throws Exception {
        mount(new Recovery(HEARTBEAT, true, Duration.ofSeconds(60)));
        Files.writeString(mnt.resolve("a"), "a");
        long before = link.accepted();
        link.freeze();
        // nothing is asked of the server: only the heartbeat can tell that it is gone, and then the client connects again
        while (link.accepted() == before) Thread.sleep(20);
        link.thaw();
        assertEquals("a", Files.readString(mnt.resolve("a")));
    }

    @Test
    void aSoftMountFailsWithEioWhileTheServerIsAwayAndWorksOnceItIsBack() throws Exception {
        mount(Recovery.soft(HEARTBEAT, Duration.ofSeconds(2)));
        Files.writeString(mnt.resolve("b"), "b");
        link.freeze();
        IOException e = assertThrows(IOException.class, () -> Files.readString(mnt.resolve("b")));
        assertTrue(String.valueOf(e.getMessage()).contains("Input/output error") || e.getClass().getSimpleName().contains("FileSystem"),
                e.toString());
        link.thaw();
        while (true) {
            try {
                assertEquals("b", Files.readString(mnt.resolve("b")));
                break;
            } catch (IOException stillAway) {
                Thread.sleep(50);
            }
        }
    }

    /** Files of the export the daemon (in this process) holds open, O_PATH descriptors of known inodes aside. */
    private long openOnServer() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    if (!Files.readSymbolicLink(fd).startsWith(export)) return false;
                    String flags = Files.readAllLines(Path.of("/proc/self/fdinfo").resolve(fd.getFileName())).stream()
                            .filter(l -> l.startsWith("flags:")).findFirst().orElse("flags: 0");
                    return (Integer.parseInt(flags.substring(6).trim(), 8) & 010000000) == 0;
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }

    @Test
    void aSoftMountGivesUpOnASilentServerAfterTimeoNotThreeHeartbeatsAndLaterClosesWhatWasClosedMeanwhile() throws Exception {
        // heartbeats would notice the silence only after three minutes
        mount(Recovery.soft(Duration.ofSeconds(60), Duration.ofSeconds(1)));
        Files.writeString(mnt.resolve("d"), "d");
        FileChannel held = FileChannel.open(mnt.resolve("d"), StandardOpenOption.READ);
        assertEquals(1, openOnServer());
        link.freeze();
        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> Files.readString(mnt.resolve("d")));
        long waited = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        assertTrue(String.valueOf(e.getMessage()).contains("Input/output error"), e.toString());
        assertTrue(waited < 10, "failed after " + waited + " s with timeo=1");
        held.close();
        link.thaw();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                assertEquals("d", Files.readString(mnt.resolve("d")));
                break;
            } catch (IOException stillAway) {
                assertTrue(System.nanoTime() < deadline, "the mount did not recover: " + stillAway);
                Thread.sleep(50);
            }
        }
        while (openOnServer() != 0) {
            assertTrue(System.nanoTime() < deadline, "the server still holds the file closed while it was away");
            Thread.sleep(50);
        }
    }

    @Test
    void aRestartedServerGetsTheNodesAndOpenFilesBackAndOnlyAFileDeletedMeanwhileFails() throws Exception {
        mount(new Recovery(HEARTBEAT, true, Duration.ofSeconds(60)));
        Files.createDirectories(mnt.resolve("d/e"));
        Files.writeString(mnt.resolve("d/e/kept"), "kept");
        Files.writeString(mnt.resolve("d/e/gone"), "gone");
        try (FileChannel kept = FileChannel.open(mnt.resolve("d/e/kept"), StandardOpenOption.READ);
             FileChannel gone = FileChannel.open(mnt.resolve("d/e/gone"), StandardOpenOption.READ);
             FileChannel written = FileChannel.open(mnt.resolve("d/written"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            daemon.close();
            Files.delete(export.resolve("d/e/gone"));
            startDaemon();

            ByteBuffer buffer = ByteBuffer.allocate(16);
            assertEquals(4, kept.read(buffer, 0), "a file held open reads on");
            assertEquals("kept", new String(buffer.array(), 0, 4, StandardCharsets.US_ASCII));
            written.write(ByteBuffer.wrap("after".getBytes(StandardCharsets.US_ASCII)), 0);
            written.force(true);
            IOException e = assertThrows(IOException.class, () -> gone.read(ByteBuffer.allocate(4), 0));
            assertTrue(String.valueOf(e.getMessage()).contains("Input/output error"), e.toString());
        }
        assertEquals("after", Files.readString(export.resolve("d/written")));
        try (var names = Files.list(mnt.resolve("d/e"))) {
            assertEquals(List.of("kept"), names.map(p -> p.getFileName().toString()).toList());
        }
        Files.writeString(mnt.resolve("d/e/new"), "new");
        assertEquals("new", Files.readString(export.resolve("d/e/new")));
    }

    @Test
    void manyOpenFilesInATreeAreAllReestablished() throws Exception {
        mount(new Recovery(HEARTBEAT, true, Duration.ofSeconds(60)));
        int dirs = 20, perDir = 25;
        List<FileChannel> open = new java.util.ArrayList<>();
        try {
            for (int d = 0; d < dirs; d++) {
                Path dir = Files.createDirectories(mnt.resolve("tree/" + d));
                for (int f = 0; f < perDir; f++) {
                    Files.writeString(dir.resolve("f" + f), d + "/" + f);
                    open.add(FileChannel.open(dir.resolve("f" + f), StandardOpenOption.READ));
                }
            }
            daemon.close();
            startDaemon();
            long start = System.nanoTime();
            for (int i = 0; i < open.size(); i++) {
                ByteBuffer b = ByteBuffer.allocate(16);
                int n = open.get(i).read(b, 0);
                assertEquals((i / perDir) + "/" + (i % perDir), new String(b.array(), 0, n, StandardCharsets.US_ASCII));
            }
            System.out.printf("%d open files and %d nodes re-established and read in %d ms%n", open.size(), open.size() + dirs + 1,
                    (System.nanoTime() - start) / 1_000_000);
        } finally {
            for (FileChannel c : open) c.close();
        }
    }

    @Test
    void anAppendThatRanBeforeTheServerRestartedButWasNotAnsweredIsNotAppendedTwice() throws Exception {
        client = MountClient.mount(new ClientOptions(link.address, export.toString(), mnt, 1, 2, Duration.ZERO, Duration.ZERO, false, false),
                new Recovery(HEARTBEAT, true, Duration.ofSeconds(60)));
        Path log = export.resolve("log");
        try (FileChannel ch = FileChannel.open(mnt.resolve("log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(record(0)));
            link.holdReplies();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread second = Thread.ofPlatform().start(() -> {
                try {
                    ch.write(ByteBuffer.wrap(record(1)));
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            while (Files.size(log) < 2L * record(0).length) Thread.sleep(5);
            // the append ran on the server; its answer dies with it
            daemon.close();
            link.cut();
            link.thaw();
            startDaemon();
            second.join(Duration.ofSeconds(30));
            assertFalse(second.isAlive(), "the append was answered");
            assertNull(failure.get(), () -> "the append failed: " + failure.get());
            ch.write(ByteBuffer.wrap(record(2)));
        }
        assertEquals(new String(record(0), StandardCharsets.US_ASCII) + new String(record(1), StandardCharsets.US_ASCII)
                + new String(record(2), StandardCharsets.US_ASCII), Files.readString(log), "each append once");
    }

    @Test
    void aFileThatHeldALockFailsAfterTheServerRestartedAndTheOthersGoOn() throws Exception {
        mount(new Recovery(HEARTBEAT, true, Duration.ofSeconds(60)));
        Files.writeString(mnt.resolve("locked"), "locked");
        Files.writeString(mnt.resolve("free"), "free");
        FileChannel locked = FileChannel.open(mnt.resolve("locked"), StandardOpenOption.READ, StandardOpenOption.WRITE);
        try (FileChannel free = FileChannel.open(mnt.resolve("free"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock lock = locked.lock();
            daemon.close();
            startDaemon();
            IOException e = assertThrows(IOException.class, () -> locked.write(ByteBuffer.wrap("x".getBytes(StandardCharsets.US_ASCII)), 0));
            assertTrue(String.valueOf(e.getMessage()).contains("Input/output error"), e.toString());
            free.write(ByteBuffer.wrap("F".getBytes(StandardCharsets.US_ASCII)), 0);
            lock.release(); // the lock is gone already: unlocking it succeeds
        } finally {
            try {
                locked.close();
            } catch (IOException flushFailed) {
                // close(2) reports that the file failed, and closes it all the same
            }
        }
        assertEquals("Free", Files.readString(export.resolve("free")));
        assertEquals("locked", Files.readString(export.resolve("locked")));
        assertEquals("locked", Files.readString(mnt.resolve("locked")), "the file itself is still there for new opens");
    }
}
