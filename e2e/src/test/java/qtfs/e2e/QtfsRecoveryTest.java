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
 * killed and started again under a hard and a soft mount.
 */
@Timeout(120)
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
    private final List<Process> workloads = new ArrayList<>();
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
            workloads.forEach(Process::destroyForcibly);
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
        startServer("5");
        long baseline = exportFds(server);
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
        assertAllRecords();
        assertTrue(client.log().contains("back after"), client.describe());
        unmountAndAwaitExportFds(baseline);
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
        CommandResult stat = Command.of("stat", mnt.toString()).timeout(Duration.ofSeconds(30)).run();
        assertNotEquals(0, stat.exitCode(), stat.describe());
        assertTrue(stat.stderr().contains("Transport endpoint is not connected"), stat.describe());

        CommandResult again = Command.of(QtfsFixture.java("qtfs.cli.QtfsMain", "mount", "-o", "server=unix:" + socket, export.toString(),
                mnt.toString())).timeout(Duration.ofSeconds(30)).run();
        assertEquals(1, again.exitCode(), again.describe());
        assertTrue(again.stderr().contains(mnt + " is a stale qtfs mount") && again.stderr().contains("qtfs umount " + mnt),
                again.describe());

        CommandResult umount = Command.of(QtfsFixture.java("qtfs.cli.QtfsMain", "umount", mnt.toString())).timeout(Duration.ofSeconds(30)).run();
        assertEquals(0, umount.exitCode(), umount.describe());
        assertFalse(MountTable.isMountPoint(mnt));

        awaitExportFds(server, baseline);

        startClient("");
        assertEquals("held", Files.readString(mnt.resolve("held")));
    }

    /**
     * Runs on the mount in processes of their own, so that this JVM holds nothing open there
     * while it starts qtfsd again (a forked child closes inherited descriptors, and a close on
     * a hard mount whose server is down waits for it). "writer FILE N" appends numbered
     * records with O_APPEND, fsyncs each, and prints "ack I" once record I is durable. "walker
     * DIR" sits in DIR (its cwd) with the directory and two files open, says "ready", and on a
     * line of input uses them all and prints what it found.
     */
    private static final String WORKLOAD = """
            import json, os, sys, time
            def writer(path, count):
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                for i in range(count):
                    os.write(fd, b"record %06d\\n" % i)
                    os.fsync(fd)
                    print("ack", i + 1, flush=True)
                    time.sleep(0.005)
                os.close(fd)
            def attempt(f):
                try:
                    return f()
                except OSError as e:
                    return "errno %d: %s" % (e.errno, e.strerror)
            def walker(path):
                os.chdir(path)
                here = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
                kept = os.open("kept", os.O_RDONLY)
                gone = os.open("gone", os.O_RDONLY)
                print("ready", flush=True)
                sys.stdin.readline()
                found = {
                    "kept": attempt(lambda: os.pread(kept, 100, 0).decode()),
                    "gone": attempt(lambda: os.pread(gone, 100, 0).decode()),
                    "listing": attempt(lambda: sorted(os.listdir(here))),
                    "stat": attempt(lambda: os.stat("kept").st_size),
                    "parent": attempt(lambda: sorted(os.listdir(".."))),
                }
                with open("made-after", "w") as f:
                    f.write("made after")
                for fd in (here, kept):
                    os.close(fd)
                found["close gone"] = attempt(lambda: os.close(gone))
                print(json.dumps(found), flush=True)
            if sys.argv[1] == "writer":
                writer(sys.argv[2], int(sys.argv[3]))
            else:
                walker(sys.argv[2])
            """;

    private Process workload(String... args) throws IOException {
        Path script = scratch.path().resolve("workload.py");
        if (!Files.exists(script)) Files.writeString(script, WORKLOAD);
        List<String> argv = new ArrayList<>(List.of("python3", script.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        workloads.add(p);
        return p;
    }

    private void assertAllRecords() throws IOException {
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < RECORDS; i++) expected.append(new String(record(i), StandardCharsets.US_ASCII));
        assertEquals(expected.toString(), Files.readString(export.resolve("log")), "every acknowledged record once, in order, none torn");
    }

    /** Unmounts; qtfsd then releases what the mount held once its grace period is over. */
    private void unmountAndAwaitExportFds(long baseline) {
        CommandResult umount = Command.of(QtfsFixture.java("qtfs.cli.QtfsMain", "umount", mnt.toString())).timeout(Duration.ofSeconds(30)).run();
        assertEquals(0, umount.exitCode(), umount.describe());
        awaitExportFds(server, baseline);
    }

    private void awaitExportFds(DaemonProcess p, long count) {
        p.awaitCondition("qtfsd to hold " + count + " descriptors of the export again", () -> {
            try {
                return exportFds(p) == count;
            } catch (IOException e) {
                return false;
            }
        }, Duration.ofSeconds(20));
    }

    @Test
    void aServerKilledAndRestartedMidRunLosesNoAcknowledgedRecordAndWhatWasOpenGoesOn() throws Exception {
        startServer("5");
        long baseline = exportFds(server);
        startClient("");
        Files.createDirectories(mnt.resolve("d/e"));
        Files.writeString(mnt.resolve("d/e/kept"), "kept");
        Files.writeString(mnt.resolve("d/e/gone"), "gone");
        Process walker = workload("walker", mnt.resolve("d/e").toString());
        var walkerOut = walker.inputReader();
        assertEquals("ready", walkerOut.readLine());
        Process writer = workload("writer", mnt.resolve("log").toString(), Integer.toString(RECORDS));
        var writerOut = writer.inputReader();
        AtomicInteger acknowledged = new AtomicInteger();
        Thread acks = Thread.ofPlatform().start(() -> {
            try {
                for (String line; (line = writerOut.readLine()) != null; ) acknowledged.set(Integer.parseInt(line.substring(4)));
            } catch (IOException | RuntimeException e) {
                // the writer ended
            }
        });
        while (acknowledged.get() < 50 && writer.isAlive()) Thread.sleep(5);

        DaemonProcess killed = server;
        signal("KILL", killed);
        killed.awaitCondition("qtfsd to die", () -> !killed.isAlive(), Duration.ofSeconds(20));
        int beforeRestart = acknowledged.get();
        Files.delete(export.resolve("d/e/gone"));
        Thread.sleep(1000);
        assertEquals(beforeRestart, acknowledged.get(), "nothing is acknowledged while qtfsd is down");
        startServer("5");

        assertTrue(writer.waitFor(40, TimeUnit.SECONDS), "the writer finished");
        acks.join();
        assertEquals(0, writer.exitValue(), "the writer saw no error");
        assertEquals(RECORDS, acknowledged.get());
        assertAllRecords();

        walker.outputWriter().append("go\n").flush();
        String found = walkerOut.readLine();
        assertTrue(walker.waitFor(20, TimeUnit.SECONDS));
        assertEquals("{\"kept\": \"kept\", \"gone\": \"errno 5: Input/output error\", \"listing\": [\"kept\"], \"stat\": 4, "
                + "\"parent\": [\"e\"], \"close gone\": null}", found, "only the file deleted while qtfsd was down fails");
        assertEquals("made after", Files.readString(export.resolve("d/e/made-after")));
        assertTrue(client.log().contains("a new session holds"), client.describe());

        unmountAndAwaitExportFds(baseline);
    }

    @Test
    void aSoftMountFailsWithEioWithinItsTimeoutWhileQtfsdIsDownAndWorksOnceItIsBack() throws Exception {
        startServer("5");
        long baseline = exportFds(server);
        startClient(",soft,timeo=2");
        Files.writeString(mnt.resolve("soft"), "soft");
        signal("KILL", server);
        server.awaitCondition("qtfsd to die", () -> !server.isAlive(), Duration.ofSeconds(20));
        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> Files.readString(mnt.resolve("soft")));
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(String.valueOf(e.getMessage()).contains("Input/output error"), e.toString());
        assertTrue(waited.compareTo(Duration.ofSeconds(10)) < 0, "failed after " + waited + ", the time-out is 2 s");

        startServer("5");
        client.awaitCondition("the mount to work again", () -> {
            try {
                return Files.readString(mnt.resolve("soft")).equals("soft");
            } catch (IOException stillAway) {
                return false;
            }
        }, Duration.ofSeconds(30));
        Files.writeString(mnt.resolve("after"), "after");
        assertEquals("after", Files.readString(export.resolve("after")));
        unmountAndAwaitExportFds(baseline);
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

    @Test
    void aChangeMadeWhileQtfsdWasDownShowsOnceTheMountIsOnANewSessionDespiteLongCaches() throws Exception {
        startServer("5");
        startClient(",attr_timeout=60,entry_timeout=60");
        Files.writeString(mnt.resolve("f"), "x");
        Files.setPosixFilePermissions(mnt.resolve("f"), PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(mnt.resolve("f"))),
                "cached for 60 s from now on");
        signal("KILL", server);
        server.awaitCondition("qtfsd to die", () -> !server.isAlive(), Duration.ofSeconds(20));
        // no qtfsd watches this change: the new session must not trust what the kernel cached
        Files.setPosixFilePermissions(export.resolve("f"), PosixFilePermissions.fromString("rw-------"));
        startServer("5");
        client.awaitCondition("the client to attach a new session", () -> client.log().contains("a new session holds"),
                Duration.ofSeconds(30));
        Duration took = qtfs.e2e.harness.Poll.until(() -> {
            try {
                return PosixFilePermissions.toString(Files.getPosixFilePermissions(mnt.resolve("f"))).equals("rw-------");
            } catch (IOException e) {
                return false;
            }
        }, Duration.ofSeconds(15));
        assertNotNull(took, () -> "the client kept the attributes cached before qtfsd restarted\n" + client.describe());
        assertTrue(took.compareTo(Duration.ofSeconds(1)) <= 0, "seen " + took.toMillis() + " ms after the new session");
    }
}
