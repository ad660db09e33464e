package qtfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import qtfs.e2e.harness.Command;
import qtfs.e2e.harness.CommandResult;
import qtfs.e2e.harness.DaemonProcess;
import qtfs.e2e.harness.HostTool;
import qtfs.e2e.harness.JavaThreads;
import qtfs.e2e.harness.MountTable;
import qtfs.e2e.harness.QtfsFixture;
import qtfs.e2e.harness.ScratchDir;
import qtfs.server.whitelist.Section;

/**
 * Remote FIFOs: a FIFO in an export connects a process through the mount with a process on
 * the server (or on a second mount) as a local FIFO connects two processes. Each scenario of
 * fifo/fifo_scenarios.py runs twice, on a local FIFO and across the mount, and must print the
 * same facts; the key facts are also checked on their own.
 */
class QtfsFifoTest {
    private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(120);

    private static ScratchDir scratch;
    private static Path export;
    private static Path local;
    private static Path mountA;
    private static Path mountB;
    private static Path mountLocalFifos;
    private static DaemonProcess server;
    private static final List<DaemonProcess> processes = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        scratch = ScratchDir.create("qtfs-fifo");
        export = scratch.newDirectory("export");
        local = scratch.newDirectory("local");
        Path whitelist = scratch.path().resolve("whitelist");
        StringBuilder text = new StringBuilder();
        for (Section s : Section.values()) text.append('[').append(s.title).append("]\nPath=").append(export).append('\n');
        Files.writeString(whitelist, text);
        Path socket = scratch.path().resolve("qtfsd.sock");
        server = start("qtfsd", QtfsFixture.java("qtfs.cli.QtfsdMain", "--listen", "unix:" + socket, "--whitelist",
                whitelist.toString(), "--run-dir", scratch.newDirectory("run").toString()));
        server.awaitLine("qtfsd: ready", Duration.ofSeconds(60));
        mountA = mount("a", socket, "");
        mountB = mount("b", socket, "");
        mountLocalFifos = mount("local-fifos", socket, ",fifo=local");
    }

    private static Path mount(String name, Path socket, String options) {
        Path mnt = scratch.newDirectory("mnt-" + name);
        DaemonProcess client = start("qtfs-mount-" + name, QtfsFixture.java("qtfs.cli.QtfsMain", "mount", "-f", "-o",
                "server=unix:" + socket + options, export.toString(), mnt.toString()));
        client.awaitCondition("the mount on " + mnt, () -> MountTable.isMountPoint(mnt), Duration.ofSeconds(60));
        return mnt;
    }

    private static DaemonProcess start(String name, List<String> argv) {
        DaemonProcess p = DaemonProcess.start(name, argv, scratch.path().resolve(name + ".log"));
        processes.add(p);
        return p;
    }

    @AfterAll
    static void stop() {
        try {
            for (Path mnt : Stream.of(mountA, mountB, mountLocalFifos).filter(m -> m != null).toList()) {
                if (MountTable.isMountPoint(mnt)) Command.of("umount", "-l", mnt.toString()).timeout(Duration.ofSeconds(30)).run();
            }
            for (DaemonProcess p : processes) p.close();
        } finally {
            if (scratch != null) scratch.close();
        }
    }

    /** Runs a scenario in a new directory of the export: the client through {@code client}, its peer in {@code peer}. */
    private static List<String> run(String scenario, Path client, Path peer) {
        String dir = scenario + "-" + System.nanoTime();
        try {
            Files.createDirectory(peer.resolve(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CommandResult r = Command.of(HostTool.PYTHON3.path(), script().toString(), scenario, dir, client.toString(), peer.toString())
                .timeout(SCENARIO_TIMEOUT).run();
        assertEquals(0, r.exitCode(), () -> "scenario " + scenario + " failed\n" + r.describe() + "\nqtfsd:\n" + server.log());
        return r.stdout().lines().toList();
    }

    /** The scenario on a local FIFO and between a client process and a server process; both must tell the same. */
    private static List<String> localAndRemote(String scenario) {
        List<String> onLocal = run(scenario, local, local);
        List<String> remote = run(scenario, mountA, export);
        assertEquals(String.join("\n", onLocal), String.join("\n", remote), scenario + ": a remote FIFO behaves as a local one");
        return remote;
    }

    private static Path script() {
        URL url = QtfsFifoTest.class.getClassLoader().getResource("fifo/fifo_scenarios.py");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertHas(List<String> lines, String line) {
        assertTrue(lines.contains(line), () -> "expected the line '" + line + "' in\n" + String.join("\n", lines));
    }

    @Test
    void aClientReaderWaitsInOpenForTheServerWriterThenReadsItsDataAndEof() {
        List<String> lines = localAndRemote("client_reads");
        assertHas(lines, "client still waiting in open: True");
        assertHas(lines, "open returned; peer had opened: True");
        assertHas(lines, "read b'hello world' then EOF exit 0");
    }

    @Test
    void aClientWriterWaitsInOpenForTheServerReaderWhichReadsEverythingThenEof() {
        List<String> lines = localAndRemote("client_writes");
        assertHas(lines, "client still waiting in open: True");
        assertHas(lines, "peer read 100003 bytes ending b'end' then EOF");
        assertHas(lines, "open returned; peer had opened: True exit 0");
    }

    @Test
    void nonBlockingOpensAndReadsFollowTheFifoRules() {
        List<String> lines = localAndRemote("nonblocking");
        assertHas(lines, "O_WRONLY|O_NONBLOCK without reader: ENXIO");
        assertHas(lines, "O_RDONLY|O_NONBLOCK without writer: opened");
        assertHas(lines, "read without writer: b''");
        assertHas(lines, "read of empty FIFO with writer: EAGAIN");
        assertHas(lines, "read after peer wrote: b'abc'");
        assertHas(lines, "read after peer closed: b''");
        assertHas(lines, "O_RDWR reads its own write: b'self'");
        assertHas(lines, "O_WRONLY|O_NONBLOCK with a reader: opened exit 0");
    }

    @Test
    void writingAfterTheReaderLeftGivesEpipeAndSigpipeToTheWriter() {
        List<String> lines = localAndRemote("broken_pipe");
        assertHas(lines, "write after reader closed: Broken pipe ; SIGPIPE pending for the writer: True killed by SIGPIPE");
    }

    @Test
    void oneEpollSetOverManyRemoteFifosWakesOnlyForTheWrittenOnes() {
        List<String> lines = localAndRemote("epoll_many");
        assertHas(lines, "nothing written: []");
        assertHas(lines, "after writing ep1 and ep4: [('ep1', 'IN'), ('ep4', 'IN')]");
        assertHas(lines, "after reading them: []");
        assertHas(lines, "after writing ep2: [('ep2', 'IN')]");
        assertHas(lines, "after closing the writer of ep5: [('ep5', 'HUP')]");
        assertHas(lines, "writer, FIFO empty: ['OUT']");
        assertHas(lines, "FIFO full: []");
        assertHas(lines, "after the peer read it all: ['OUT']");
        assertHas(lines, "after the reader closed: ['OUT|ERR']");
    }

    @Test
    void processesOnTwoClientMountsMeetInTheServersFifo() {
        for (String scenario : List.of("client_reads", "client_writes", "nonblocking", "broken_pipe", "epoll_many")) {
            List<String> onLocal = run(scenario, local, local);
            List<String> twoMounts = run(scenario, mountA, mountB);
            assertEquals(String.join("\n", onLocal), String.join("\n", twoMounts), scenario + " between two client mounts");
        }
    }

    @Test
    void aFifoMadeThroughTheMountIsAFifoOnTheServerAndAStreamOnTheClient() throws IOException {
        List<String> lines = localAndRemote("client_mkfifo");
        assertHas(lines, "peer sees a FIFO: True 0o640");
        assertHas(lines, "peer read: b'through the new FIFO'");
        Path made = Files.list(mountA).filter(p -> p.getFileName().toString().startsWith("client_mkfifo-"))
                .map(p -> p.resolve("made")).filter(Files::exists).findFirst().orElseThrow();
        assertTrue(Files.isRegularFile(made, LinkOption.NOFOLLOW_LINKS), "the client sees the stream view: a regular file");
        assertEquals(0L, Files.size(made));
    }

    @Test
    void interruptedOpensAndReadsLeaveNoWaitingServerThreadOrDescriptor() {
        for (int round = 0; round < 3; round++) {
            List<String> lines = run("interrupted", mountA, export);
            for (String what : List.of("open for reading", "open for writing", "read")) {
                assertHas(lines, what + " still waiting: True");
                assertHas(lines, what + " after SIGINT: killed by SIGINT");
            }
            assertHas(lines, "open for reading left no reader behind: True");
            assertHas(lines, "open for writing left no writer behind: True");
            assertHas(lines, "read left no reader behind: True");
        }
        // nine interrupted waits: each one still waiting would hold a thread of qtfsd's FIFO pool
        // inside FifoOps (an idle pool thread waits for work elsewhere); an interrupt ends a wait
        // within one 50 ms slice
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> waiting = JavaThreads.inFrame(server.pid(), "qtfsd-fifo-", "qtfs.server.fs.FifoOps");
        while (!waiting.isEmpty() && System.nanoTime() < until) {
            sleep();
            waiting = JavaThreads.inFrame(server.pid(), "qtfsd-fifo-", "qtfs.server.fs.FifoOps");
        }
        assertEquals(List.of(), waiting, "qtfsd threads still waiting on a FIFO");
        // the RELEASE of a closed file reaches the server a little after close(2) returned
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!openFifos(server.pid()).isEmpty() && System.nanoTime() < end) sleep();
        assertEquals(List.of(), openFifos(server.pid()), "FIFO descriptors qtfsd still holds open");
    }

    @Test
    void withFifoLocalTheClientKernelKeepsFifosLocal() throws IOException {
        Path dir = Files.createDirectory(export.resolve("local-option"));
        Files.createDirectory(local.resolve("local-option"));
        Command.of("mkfifo", dir.resolve("f").toString()).runOk();
        Path seen = mountLocalFifos.resolve("local-option/f");
        assertEquals("p", Command.of("stat", "-c", "%A", seen.toString()).runOk().stdout().substring(0, 1), "S_IFIFO on the client");
        // two processes on the client meet in the client's own FIFO; a server-side writer finds no reader there
        List<String> lines = run("client_reads", mountLocalFifos, mountLocalFifos);
        assertHas(lines, "read b'hello world' then EOF exit 0");
        CommandResult serverWriter = Command.of(HostTool.PYTHON3.path(), "-c", """
                import os, subprocess, sys, time
                r = subprocess.Popen([sys.executable, "-c", "import os; os.open('%s', os.O_RDONLY)"])
                time.sleep(0.5)
                try:
                    os.open('%s', os.O_WRONLY | os.O_NONBLOCK); print("server writer: opened")
                except OSError as e:
                    print("server writer:", e.strerror)
                r.kill()
                """.formatted(seen.toString(), dir.resolve("f").toString())).timeout(SCENARIO_TIMEOUT).runOk();
        assertEquals("server writer: No such device or address", serverWriter.stdout().strip(),
                "a client reader of a local FIFO is not a reader on the server");
    }

    /** The FIFOs of the export that process {@code pid} holds open (its O_PATH descriptors of inodes do not count). */
    private static List<String> openFifos(long pid) {
        List<String> open = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (!target.startsWith(export.toString())) continue;
                    String flags = Files.readAllLines(Path.of("/proc/" + pid + "/fdinfo/" + fd.getFileName())).stream()
                            .filter(l -> l.startsWith("flags:")).findFirst().orElse("flags: 0").substring(6).trim();
                    if ((Long.parseLong(flags, 8) & O_PATH) == 0 && !Files.isRegularFile(fd) && !Files.isDirectory(fd)) open.add(target);
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return open;
    }

    private static final long O_PATH = 010000000;

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
