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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TCP as a user sets it up: qtfsd tls init and issue, qtfsd on 127.0.0.1 in its own JVM,
 * qtfs mount with the issued credential, and the plain-TCP options with their warnings.
 */
@Timeout(180)
class SecureServeTest {
    private static final Pattern READY = Pattern.compile("qtfsd: ready, listening on (tcp:127\\.0\\.0\\.1:\\d+)");

    @TempDir
    Path dir;
    Path export;
    Path mnt;
    final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(Unmounter.isRoot() && Files.exists(Path.of("/dev/fuse")), "needs root and /dev/fuse");
        export = Files.createDirectories(dir.resolve("export"));
        mnt = Files.createDirectories(dir.resolve("mnt"));
        Files.createDirectories(dir.resolve("run"));
        StringBuilder whitelist = new StringBuilder();
        for (String section : List.of("Mount", "Open", "Read", "Write", "Readdir", "Create", "Unlink", "Setattr")) {
            whitelist.append('[').append(section).append("]\nPath=").append(export).append('\n');
        }
        Files.writeString(dir.resolve("whitelist"), whitelist);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (MountTable.read().at(mnt.toRealPath()).isPresent()) {
            new ProcessBuilder("umount", "-l", mnt.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** qtfsd in its own JVM; returns once it printed its ready line, with the address it listens on. */
    private String startQtfsd(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), QtfsdMain.class.getName(),
                "--whitelist", dir.resolve("whitelist").toString(), "--run-dir", dir.resolve("run").toString(),
                "--listen", "tcp:127.0.0.1:0"));
        command.addAll(List.of(options));
        Process p = new ProcessBuilder(command).redirectError(dir.resolve("qtfsd.err").toFile()).start();
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        Matcher ready = READY.matcher(String.valueOf(line));
        assertTrue(ready.matches(), line + "\n" + qtfsdLog());
        return ready.group(1);
    }

    private String qtfsdLog() throws IOException {
        return Files.exists(dir.resolve("qtfsd.err")) ? Files.readString(dir.resolve("qtfsd.err")) : "";
    }

    /** Waits for a line of qtfsd's log (it logs on its own threads). */
    private String awaitLog(String regex) throws Exception {
        for (int i = 0; i < 600; i++) {
            for (String line : qtfsdLog().lines().toList()) {
                if (line.matches(regex)) return line;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no qtfsd log line matching " + regex + " in:\n" + qtfsdLog());
    }

    @Test
    void tlsSetUpWithOneCommandPerSideThenMountedOverTcp() throws Exception {
        Path tls = dir.resolve("tls");
        assertEquals(ExitStatus.OK, CommandRun.of(QtfsdMain::run, "tls", "init", "--dir", tls.toString()).status());
        Path credential = dir.resolve("client.pem");
        assertEquals(ExitStatus.OK, CommandRun.of(QtfsdMain::run, "tls", "issue", "dpu1", "--dir", tls.toString(), "-o",
                credential.toString()).status());
        String server = startQtfsd("--tls-dir", tls.toString());

        CommandRun mount = CommandRun.of(QtfsMain::run, "mount", "-o", "server=" + server + ",cert=" + credential + ",log="
                + dir.resolve("mount.log"), export.toString(), mnt.toString());
        assertEquals(ExitStatus.OK, mount.status(), mount.err());
        Files.writeString(mnt.resolve("over-tls.txt"), "sent inside TLS");
        assertEquals("sent inside TLS", Files.readString(export.resolve("over-tls.txt")));
        try (var list = Files.list(mnt)) {
            assertEquals(List.of("over-tls.txt"), list.map(p -> p.getFileName().toString()).toList());
        }
        awaitLog(".* INFO qtfsd: connection #\\d+ \\(tcp:127\\.0\\.0\\.1:\\d+ \\(TLS, certificate 'dpu1'\\)\\): client 'qtfs@.*', "
                + "authenticated as certificate 'dpu1'");
        assertEquals(ExitStatus.OK, CommandRun.of(QtfsMain::run, "umount", mnt.toString()).status());

        // a plain client is told why it is turned away, and so is the log
        CommandRun plain = CommandRun.of(QtfsMain::run, "mount", "-f", "-o", "server=" + server + ",insecure", export.toString(),
                mnt.toString());
        assertEquals(ExitStatus.FAILURE, plain.status(), plain.err());
        assertTrue(plain.err().contains("qtfs: warning: mount option insecure: the connection to " + server
                + " is plain TCP, neither encrypted nor authenticated"), plain.err());
        assertTrue(plain.err().contains(server + " refused the connection: server requires TLS: the client connected in plain TCP"),
                plain.err());
        awaitLog(".* WARNING qtfsd: refused tcp:127\\.0\\.0\\.1:\\d+: server requires TLS: the client connected in plain TCP .*");
        assertTrue(MountTable.read().at(mnt.toRealPath()).isEmpty());
    }

    @Test
    void insecureTcpWarnsAtEveryStart() throws Exception {
        String server = startQtfsd("--insecure-tcp");
        awaitLog(".* WARNING qtfsd: " + Pattern.quote(server) + ": plain TCP without TLS \\(--insecure-tcp\\): connections are "
                + "neither encrypted nor authenticated, and anyone who can reach this port can connect");
        // a TLS client is told the server is plain, and the server logs it
        Path tlsDir = dir.resolve("tls");
        Path credential = dir.resolve("client.pem");
        assertEquals(ExitStatus.OK, CommandRun.of(QtfsdMain::run, "tls", "init", "--dir", tlsDir.toString()).status());
        assertEquals(ExitStatus.OK, CommandRun.of(QtfsdMain::run, "tls", "issue", "dpu1", "--dir", tlsDir.toString(), "-o",
                credential.toString()).status());
        CommandRun tls = CommandRun.of(QtfsMain::run, "mount", "-f", "-o", "server=" + server + ",cert=" + credential,
                export.toString(), mnt.toString());
        assertEquals(ExitStatus.FAILURE, tls.status());
        assertTrue(tls.err().contains("TLS: server " + server + " is not speaking TLS (plain TCP server?); a server started with "
                + "--insecure-tcp is reached with the mount option insecure"), tls.err());
        awaitLog(".* WARNING qtfsd: refused tcp:127\\.0\\.0\\.1:\\d+: the peer sent a TLS handshake, but this connection carries "
                + "plain qtfs frames \\(one side uses TLS, the other plain TCP\\)");
        // and a plain client is served
        CommandRun plain = CommandRun.of(QtfsMain::run, "mount", "-o", "server=" + server + ",insecure,log=" + dir.resolve("m.log"),
                export.toString(), mnt.toString());
        assertEquals(ExitStatus.OK, plain.status(), plain.err());
        Files.writeString(mnt.resolve("plain.txt"), "in the clear");
        assertEquals("in the clear", Files.readString(export.resolve("plain.txt")));
        assertEquals(ExitStatus.OK, CommandRun.of(QtfsMain::run, "umount", mnt.toString()).status());
    }

    @Test
    void aMountHelperDryRunWarnsOfInsecure() {
        CommandRun run = CommandRun.of(MountQtfsMain::run, "/srv", mnt.toString(), "-f", "-o", "server=tcp:192.0.2.1:7000,insecure");
        assertEquals(ExitStatus.OK, run.status(), run.err());
        assertEquals("mount.qtfs: warning: mount option insecure: the connection to tcp:192.0.2.1:7000 is plain TCP, neither "
                + "encrypted nor authenticated\n", run.err());
    }

    @Test
    void vsockWithoutAllowedCidsRefusesToStart() {
        CommandRun run = CommandRun.of(QtfsdMain::run, "--listen", "vsock:7000", "--whitelist", dir.resolve("whitelist").toString());
        assertEquals(ExitStatus.USAGE, run.status());
        assertEquals("qtfsd: cannot listen on vsock:any:7000 without --allow-cid: qtfsd accepts vsock connections only from the "
                + "CIDs it is told to (e.g. --allow-cid 3, or --allow-cid any)\nTry 'qtfsd --help' for more information.\n", run.err());
    }

    @Test
    void checkShowsWhoMayConnect() {
        CommandRun run = CommandRun.of(QtfsdMain::run, "--check", "--whitelist", dir.resolve("whitelist").toString(),
                "--listen", "vsock:7000", "--allow-cid", "3,4", "--allow-uid", "0,1000", "--tls-dir", "/srv/tls");
        assertEquals(ExitStatus.OK, run.status(), run.err());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.contains("tcp              TLS 1.3 with client certificates, credential /srv/tls/server.pem"), run.out());
        assertTrue(lines.contains("allow-uid        0,1000"), run.out());
        assertTrue(lines.contains("allow-cid        3,4"), run.out());
        assertTrue(CommandRun.of(QtfsdMain::run, "--check", "--whitelist", dir.resolve("whitelist").toString(), "--insecure-tcp")
                .out().contains("tcp              plain TCP (--insecure-tcp): neither encrypted nor authenticated"));
    }
}
