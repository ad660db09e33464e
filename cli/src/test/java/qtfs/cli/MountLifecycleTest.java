package qtfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qtfs.server.whitelist.Section;

/**
 * The commands as a user runs them, on real processes and real FUSE mounts: qtfsd in its
 * own JVM, qtfs mount in the background and in the foreground, qtfs umount, SIGTERM.
 */
class MountLifecycleTest {
    private static final Pattern LOG_LINE =
            Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (ERROR|WARNING|INFO|DEBUG|TRACE) \\S+: .*");

    @TempDir
    Path dir;
    Path export;
    Path mnt;
    Path socket;
    final List<Process> processes = new ArrayList<>();
    final List<Long> daemonPids = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(Unmounter.isRoot() && Files.exists(Path.of("/dev/fuse")), "needs root and /dev/fuse");
        export = Files.createDirectories(dir.resolve("export"));
        mnt = Files.createDirectories(dir.resolve("mnt"));
        Files.createDirectories(dir.resolve("run"));
        socket = dir.resolve("qtfsd.sock");
        StringBuilder whitelist = new StringBuilder();
        for (String section : List.of("Mount", "Open", "Read", "Write", "Readdir", "Mkdir", "Rmdir", "Create",
                "Unlink", "Rename", "Setattr", "Setxattr")) {
            whitelist.append('[').append(section).append("]\nPath=").append(export).append('\n');
        }
        Files.writeString(dir.resolve("whitelist"), whitelist);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (mnt != null && MountTable.read().at(mnt.toRealPath()).isPresent()) {
            new ProcessBuilder("umount", "-l", mnt.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
        for (long pid : daemonPids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    Process java(Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(dir.resolve(main.getSimpleName() + ".err").toFile()).start();
        processes.add(p);
        return p;
    }

    /** The first line of {@code p}'s output that starts with {@code prefix}, waiting at most 60 s. */
    static String awaitLine(Process p, String prefix) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l; (l = out.readLine()) != null; ) {
                    if (l.startsWith(prefix)) return l;
                }
                return "(exited with no line starting '" + prefix + "')";
            } catch (IOException e) {
                return "(" + e + ")";
            }
        });
        return line.get(60, TimeUnit.SECONDS);
    }

    Process startQtfsd() throws Exception {
        Process qtfsd = java(QtfsdMain.class, "--listen", "unix:" + socket, "--whitelist",
                dir.resolve("whitelist").toString(), "--run-dir", dir.resolve("run").toString());
        assertEquals("qtfsd: ready, listening on unix:" + socket, awaitLine(qtfsd, "qtfsd:"), stderrOf(QtfsdMain.class));
        return qtfsd;
    }

    String stderrOf(Class<?> main) throws IOException {
        Path err = dir.resolve(main.getSimpleName() + ".err");
        return Files.exists(err) ? Files.readString(err) : "";
    }

    Optional<MountTable.Mount> mountAtMnt() throws IOException {
        return MountTable.read().at(mnt.toRealPath());
    }

    static boolean awaitExit(long pid) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) return true;
            Thread.sleep(50);
        }
        return false;
    }

    @Test
    void backgroundMountThenUmountThenStopTheServer() throws Exception {
        Process qtfsd = startQtfsd();
        Path log = dir.resolve("mount.log");
        CommandRun mount = CommandRun.of(QtfsMain::run, "mount", "-v", "-o", "server=unix:" + socket + ",log=" + log,
                export.toString(), mnt.toString());
        assertEquals(ExitStatus.OK, mount.status(), mount.err() + "\nlog:\n" + (Files.exists(log) ? Files.readString(log) : ""));
        Matcher pid = Pattern.compile("\\(daemon pid (\\d+), log " + Pattern.quote(log.toString()) + "\\)\n").matcher(mount.out());
        assertTrue(pid.find(), mount.out());
        long daemon = Long.parseLong(pid.group(1));
        daemonPids.add(daemon);

        MountTable.Mount m = mountAtMnt().orElseThrow(() -> new AssertionError("not mounted after qtfs mount returned"));
        assertTrue(m.isQtfs(), m.toString());
        Files.writeString(mnt.resolve("from-client.txt"), "written on the client");
        assertEquals("written on the client", Files.readString(export.resolve("from-client.txt")));
        Files.writeString(export.resolve("from-server.txt"), "written on the server");
        assertEquals("written on the server", Files.readString(mnt.resolve("from-server.txt")));

        CommandRun umount = CommandRun.of(QtfsMain::run, "umount", mnt.toString());
        assertEquals(ExitStatus.OK, umount.status(), umount.err());
        assertTrue(mountAtMnt().isEmpty());
        assertTrue(awaitExit(daemon), "the mount daemon exits after the unmount");
        for (String line : Files.readAllLines(log)) {
            assertTrue(LOG_LINE.matcher(line).matches(), "mount log line in the one-line format: " + line);
        }

        qtfsd.destroy(); // SIGTERM
        assertTrue(qtfsd.waitFor(30, TimeUnit.SECONDS), "qtfsd stops on SIGTERM");
        String err = stderrOf(QtfsdMain.class);
        for (String line : err.lines().toList()) {
            assertTrue(LOG_LINE.matcher(line).matches(), "qtfsd log line in the one-line format: " + line);
        }
    }

    @Test
    void foregroundMountUnmountsOnSigterm() throws Exception {
        startQtfsd();
        Process client = java(QtfsMain.class, "mount", "-f", "-o", "server=unix:" + socket, export.toString(),
                mnt.toString());
        assertEquals("qtfs: mounted " + export + " on " + mnt, awaitLine(client, "qtfs:"), stderrOf(QtfsMain.class));
        assertTrue(mountAtMnt().orElseThrow().isQtfs());
        client.destroy(); // SIGTERM
        assertTrue(client.waitFor(30, TimeUnit.SECONDS), "qtfs mount -f exits on SIGTERM");
        assertTrue(mountAtMnt().isEmpty(), "SIGTERM unmounts");
    }

    @Test
    void stoppingQtfsMountBeforeTheMountIsLiveStopsItsDaemon() throws Exception {
        // a server that accepts connections and never answers: the mount cannot become live
        try (var silent = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            silent.bind(java.net.UnixDomainSocketAddress.of(socket));
            Process mount = java(QtfsMain.class, "mount", "-o", "server=unix:" + socket + ",log=" + dir.resolve("m.log"),
                    export.toString(), mnt.toString());
            ProcessHandle daemon = null;
            for (int i = 0; i < 600 && daemon == null; i++) {
                daemon = mount.descendants().filter(h -> h.info().commandLine().orElse("").contains(" -f "))
                        .findFirst().orElse(null);
                if (daemon == null) Thread.sleep(50);
            }
            assertTrue(daemon != null, "qtfs mount started no daemon");
            daemonPids.add(daemon.pid());
            mount.destroy(); // SIGTERM, as Ctrl-C or a service manager would
            assertTrue(mount.waitFor(30, TimeUnit.SECONDS));
            assertTrue(awaitExit(daemon.pid()), "the daemon of an abandoned mount is stopped");
            assertTrue(mountAtMnt().isEmpty());
        }
    }

    @Test
    void aSecondQtfsdWithTheSameRunDirIsRefused() throws Exception {
        startQtfsd();
        CommandRun second = CommandRun.of(QtfsdMain::run, "--listen", "unix:" + dir.resolve("other.sock"),
                "--whitelist", dir.resolve("whitelist").toString(), "--run-dir", dir.resolve("run").toString());
        assertEquals(ExitStatus.FAILURE, second.status(), second.err());
        assertTrue(second.err().contains("qtfsd: "), second.err());
    }

    @Test
    void qtfsdWithAMissingWhitelistFailsNamingIt() {
        Path missing = dir.resolve("no-such-whitelist");
        CommandRun run = CommandRun.of(QtfsdMain::run, "--listen", "unix:" + socket, "--whitelist",
                missing.toString(), "--run-dir", dir.resolve("run").toString());
        assertEquals(ExitStatus.FAILURE, run.status(), run.err());
        assertTrue(run.err().contains(missing.toString()), run.err());
    }

    @Test
    void checkPrintsTheSettingsAndTheWhitelist() {
        CommandRun run = CommandRun.of(QtfsdMain::run, "--check", "--whitelist", dir.resolve("whitelist").toString(),
                "--workers", "3");
        assertEquals(ExitStatus.OK, run.status(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals("listen           unix:/run/qtfs/qtfsd.sock", lines.get(0));
        assertTrue(lines.contains("workers          3"), run.out());
        assertTrue(lines.contains("log-level        INFO"), run.out());
        assertTrue(lines.contains("allow-uid        0"), run.out());
        assertTrue(lines.contains("heartbeat        10"), run.out());
        assertTrue(lines.contains("session-grace    60"), run.out());
        assertTrue(lines.contains("max-open-files   65536"), run.out());
        assertTrue(lines.contains("max-connection-memory 67108864"), run.out());
        assertEquals("[Mount]          " + export, lines.get(15), "exports come first");
        assertTrue(lines.contains("[Kill]           (none: denied everywhere)"), run.out());
        assertEquals(15 + Section.values().length, lines.size(), run.out());
    }
}
