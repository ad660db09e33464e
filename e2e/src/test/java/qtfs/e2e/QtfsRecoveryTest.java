package qtfs.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import qtfs.e2e.harness.Command;
import qtfs.e2e.harness.CommandResult;
import qtfs.e2e.harness.DaemonProcess;
import qtfs.e2e.harness.MountTable;
import qtfs.e2e.harness.QtfsFixture;
import qtfs.e2e.harness.ScratchDir;
import qtfs.server.whitelist.Section;

/**
 * qtfsd and the mount daemon as real processes, broken the hard way: the server stopped
 * (SIGSTOP) for longer than the heartbeat allows, the mount daemon killed (SIGKILL), qtfsd
 * killed and started again.
 */
@Timeout(60)
class QtfsRecoveryTest {
    private static final String HEARTBEAT = "0.5";
    private static final int RECORDS = 200;

    private ScratchDir scratch;
    private Path export;
    private Path mnt;
    private Path socket;
    private Path whitelist;
    private Path runDir;
    private final List<DaemonProcess> processes = new ArrayList<>();
    private DaemonProcess server;
    private DaemonProcess client;
    /**
     * Sends signals. Started before anything is opened on the mount: a process forked later
     * inherits those descriptors and closes them before it runs its program, and the close
     * of a file on a mount whose server is stopped waits for the server (hard mount).
     */
    private Process signaller;
    private java.io.BufferedReader signallerOut;

    @BeforeEach
    void setUp() throws IOException {
        scratch = ScratchDir.create("qtfs-recovery");
        export = scratch.newDirectory("export");
        mnt = scratch.newDirectory("mnt");
        runDir = scratch.newDirectory("run");
        socket = scratch.path().resolve("qtfsd.sock");
        whitelist = scratch.path().resolve("whitelist");
        StringBuilder text = new StringBuilder();
        for (Section s : Section.values()) text.append('[').append(s.title).append("]\nPath=").append(export).append('\n');
        Files.writeString(whitelist, text);
        signaller = new ProcessBuilder("sh").redirectErrorStream(true).start();
        signallerOut = signaller.inputReader();
    }

    @AfterEach
    void tearDown() {
        try {
            for (DaemonProcess p : processes) {
                signal("CONT", p);
                p.kill();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            signaller.destroyForcibly();
            if (MountTable.isMountPoint(mnt)) Command.of("umount", "-l", mnt.toString()).timeout(Duration.ofSeconds(30)).run();
            scratch.close();
        }
    }

    private DaemonProcess startServer(String grace) {
        server = start("qtfsd", QtfsFixture.java("qtfs.cli.QtfsdMain", "--listen", "unix:" + socket, "--whitelist", whitelist.toString(),
                "--run-dir", runDir.toString(), "--heartbeat", HEARTBEAT, "--session-grace", grace));
        server.awaitLine("qtfsd: ready", Duration.ofSeconds(30));
        return server;
    }

    private DaemonProcess startClient(String options) {
        client = start("qtfs-mount", QtfsFixture.java("qtfs.cli.QtfsMain", "mount", "-f", "-o",
                "server=unix:" + socket + ",attr_timeout=0,entry_timeout=0,heartbeat=" + HEARTBEAT + options, export.toString(),
                mnt.toString()));
        client.awaitCondition("the mount on " + mnt, () -> MountTable.isMountPoint(mnt), Duration.ofSeconds(30));
        return client;
    }

    private DaemonProcess start(String name, List<String> argv) {
        DaemonProcess p = DaemonProcess.start(name, argv, scratch.path().resolve(name + "-" + processes.size() + ".log"));
        processes.add(p);
        return p;
    }

    private void signal(String signal, DaemonProcess p) throws IOException {
        signaller.outputWriter().append("kill -").append(signal).append(' ').append(Long.toString(p.pid())).append(" 2>/dev/null; echo sent\n")
                .flush();
        assertEquals("sent", signallerOut.readLine());
    }

    private static byte[] record(int i) {
        return String.format("record %06d\n", i).getBytes(StandardCharsets.US_ASCII);
    }

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

    /** Descriptors of {@code p} open on files of the export. */
    private long exportFds(DaemonProcess p) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + p.pid() + "/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).startsWith(export);
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }

    @Test
    void aServerStoppedForLongerThanTheHeartbeatIsDetectedAndTheWriterFinishes() throws Exception {
        startServer("30");
        startClient("");
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread w = writer(mnt.resolve("log"), acknowledged, failure);
        while (acknowledged.get() < 50 && w.isAlive()) Thread.sleep(5);
        signal("STOP", server);
        client.awaitCondition("the client noticing the silent server", () -> client.log().contains("the server stopped answering"),
                Duration.ofSeconds(20));
        signal("CONT", server);
        w.join(TimeUnit.SECONDS.toMillis(40));
        assertFalse(w.isAlive(), "the writer finished");
        assertNull(failure.get(), () -> "the writer failed: " + failure.get() + "\n" + client.describe());
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < RECORDS; i++) expected.append(new String(record(i), StandardCharsets.US_ASCII));
        assertEquals(expected.toString(), Files.readString(export.resolve("log")), "every acknowledged record once, none torn");
        assertTrue(client.log().contains("back after"), client.describe());
    }

    @Test
    void aKilledClientLeavesAStaleMountThatIsReportedUnmountedAndMountedAgainWhileTheServerReleasesItsFiles() throws Exception {
        startServer("1");
        long baseline = exportFds(server);
        startClient("");
        Files.writeString(mnt.resolve("held"), "held");
        FileChannel held = FileChannel.open(mnt.resolve("held"), StandardOpenOption.READ);
        assertTrue(exportFds(server) > baseline, "the server holds the open file");
        signal("KILL", client);
        client.awaitCondition("the mount daemon to die", () -> !client.isAlive(), Duration.ofSeconds(20));
        try {
            held.close();
        } catch (IOException expected) {
            // Transport endpoint is not connected: the mount's daemon is gone
        }
        assertTrue(MountTable.isMountPoint(mnt), "a killed mount daemon leaves its mount behind");

        CommandResult again = Command.of(QtfsFixture.java("qtfs.cli.QtfsMain", "mount", "-o", "server=unix:" + socket, export.toString(),
                mnt.toString())).timeout(Duration.ofSeconds(30)).run();
        assertEquals(1, again.exitCode(), again.describe());
        assertTrue(again.stderr().contains(mnt + " is a stale qtfs mount") && again.stderr().contains("qtfs umount " + mnt),
                again.describe());

        CommandResult umount = Command.of(QtfsFixture.java("qtfs.cli.QtfsMain", "umount", mnt.toString())).timeout(Duration.ofSeconds(30)).run();
        assertEquals(0, umount.exitCode(), umount.describe());
        assertFalse(MountTable.isMountPoint(mnt));

        server.awaitCondition("the server to release the dead client's files after its grace period",
                () -> {
                    try {
                        return exportFds(server) == baseline;
                    } catch (IOException e) {
                        return false;
                    }
                }, Duration.ofSeconds(20));

        startClient("");
        assertEquals("held", Files.readString(mnt.resolve("held")));
    }

    @Test
    void aRestartedServerMakesTheMountStaleWithEioNotAHang() throws Exception {
        startServer("30");
        startClient("");
        Files.writeString(mnt.resolve("before"), "before");
        signal("KILL", server);
        server.awaitCondition("qtfsd to die", () -> !server.isAlive(), Duration.ofSeconds(20));
        startServer("30");
        IOException e = assertThrows(IOException.class, () -> Files.readString(mnt.resolve("before")));
        assertTrue(String.valueOf(e.getMessage()).contains("Input/output error"), e.toString());
        client.awaitCondition("the client to say what to do", () -> client.log().contains("unmount and mount again"), Duration.ofSeconds(10));
    }

    @Test
    void aChangeMadeWhileTheClientWasAwayShowsOnceItIsBackDespiteLongCaches() throws Exception {
        startServer("30");
        startClient(",conns=1,attr_timeout=60,entry_timeout=60");
        Files.writeString(export.resolve("f"), "x");
        Files.setPosixFilePermissions(export.resolve("f"), PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(mnt.resolve("f"))),
                "cached for 60 s from now on");
        signal("STOP", client);
        server.awaitCondition("the server dropping the silent client", () -> server.log().contains("the client stopped answering"),
                Duration.ofSeconds(20));
        // the session has no connection: the invalidation cannot be sent, and is made up for later
        Files.setPosixFilePermissions(export.resolve("f"), PosixFilePermissions.fromString("rw-------"));
        Thread.sleep(500);
        signal("CONT", client);
        client.awaitCondition("the client to reconnect", () -> client.log().contains("back after"), Duration.ofSeconds(20));
        Duration took = qtfs.e2e.harness.Poll.until(() -> {
            try {
                return PosixFilePermissions.toString(Files.getPosixFilePermissions(mnt.resolve("f"))).equals("rw-------");
            } catch (IOException e) {
                return false;
            }
        }, Duration.ofSeconds(15));
        assertNotNull(took, () -> "the client never saw the change made while it was away\n" + client.describe());
        assertTrue(took.compareTo(Duration.ofSeconds(1)) <= 0, "seen " + took.toMillis() + " ms after the reconnection");
    }
}
