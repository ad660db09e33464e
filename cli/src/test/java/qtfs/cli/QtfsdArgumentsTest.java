package qtfs.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qtfs.server.daemon.ClientLimits;
import qtfs.server.daemon.Liveness;
import qtfs.server.daemon.QtfsdConfig;
import qtfs.sys.AllowedCids;
import qtfs.transport.AcceptPolicy;
import qtfs.transport.Address;
import qtfs.transport.AllowedUids;

class QtfsdArgumentsTest {
    @TempDir
    Path dir;

    static QtfsdArguments parse(String... args) throws UsageException {
        return QtfsdArguments.parse(List.of(args));
    }

    static List<String> listen(QtfsdConfig c) {
        return c.listen().stream().map(Address::toString).toList();
    }

    static String error(String... args) {
        return assertThrows(UsageException.class, () -> parse(args)).getMessage();
    }

    @Test
    void defaults() throws UsageException {
        QtfsdArguments a = parse();
        QtfsdConfig c = a.config();
        assertEquals(QtfsdArguments.Mode.RUN, a.mode());
        assertEquals(List.of("unix:/run/qtfs/qtfsd.sock"), listen(c));
        assertEquals(Path.of("/etc/qtfs/whitelist"), c.whitelistFile());
        assertEquals(16, c.workerThreads());
        assertEquals(256, c.maxConnections());
        assertEquals((1 << 20) + (64 << 10), c.maxFrameSize());
        assertEquals(Path.of("/run/qtfs"), c.runDir());
        assertEquals(LogLevel.INFO, a.logLevel());
    }

    @Test
    void heartbeatAndSessionGrace() throws UsageException {
        assertEquals(Liveness.defaults(), parse().liveness());
        assertEquals(new Liveness(Duration.ofMillis(1500), Duration.ZERO), parse("--heartbeat", "1.5", "--session-grace", "0").liveness());
        assertEquals("--heartbeat: 'x' is not a number of seconds (examples: 1, 0.5, 0)", error("--heartbeat", "x"));
    }

    @Test
    void everyOptionSetsItsField() throws UsageException {
        QtfsdArguments a = parse("--listen", "unix:/tmp/a.sock", "-l", "tcp:127.0.0.1:7000",
                "--whitelist", "/tmp/wl", "--workers", "3", "--max-connections", "5",
                "--max-frame-size", "2M", "--run-dir", "/tmp/run", "--log-level", "debug");
        QtfsdConfig c = a.config();
        assertEquals(List.of("unix:/tmp/a.sock", "tcp:127.0.0.1:7000"), listen(c));
        assertEquals(Path.of("/tmp/wl"), c.whitelistFile());
        assertEquals(3, c.workerThreads());
        assertEquals(5, c.maxConnections());
        assertEquals(2 << 20, c.maxFrameSize());
        assertEquals(Path.of("/tmp/run"), c.runDir());
        assertEquals(LogLevel.DEBUG, a.logLevel());
        assertEquals(Path.of("/tmp/wl2"), parse("-w", "/tmp/wl2").config().whitelistFile());
    }

    @Test
    void helpVersionAndCheckModes() throws UsageException {
        assertEquals(QtfsdArguments.Mode.HELP, parse("--workers", "x", "--help").mode());
        assertNull(parse("-h").config());
        assertEquals(QtfsdArguments.Mode.VERSION, parse("-V").mode());
        assertEquals(QtfsdArguments.Mode.VERSION, parse("--version").mode());
        assertEquals(QtfsdArguments.Mode.CHECK, parse("--check", "--workers", "2").mode());
    }

    @Test
    void badValuesNameTheOption() {
        assertEquals("--workers: 'many' is not a whole number", error("--workers", "many"));
        assertEquals("--workers: 0 is out of range (1 to 1024)", error("--workers=0"));
        assertEquals("--max-connections: 70000 is out of range (1 to 65536)", error("--max-connections", "70000"));
        assertEquals("--max-frame-size: 1K is out of range (69632 to 67174400 bytes)", error("--max-frame-size", "1K"));
        assertEquals("--max-frame-size: 'big' is not a size (examples: 1048576, 1024K, 1M)",
                error("--max-frame-size", "big"));
        assertEquals("--log-level: log level 'loud' is not one of ERROR, WARN, INFO, DEBUG", error("--log-level", "loud"));
        assertTrue(error("--listen", "nowhere").startsWith("--listen: "), error("--listen", "nowhere"));
        assertTrue(error("-l", "nowhere").startsWith("-l: "));
        assertEquals("--whitelist: the path is empty", error("--whitelist", ""));
        assertEquals("--run-dir: the path is empty", error("--run-dir="));
        assertEquals("unexpected argument 'serve' (qtfsd takes only options)", error("serve"));
        assertEquals("unknown option '--port'", error("--port", "1"));
    }

    @Test
    void configFileSetsEverySettingAndTheCommandLineWins() throws IOException, UsageException {
        Path conf = dir.resolve("qtfsd.conf");
        Files.writeString(conf, """
                # qtfsd settings
                listen = unix:/tmp/one.sock

                listen=tcp:127.0.0.1:7001
                whitelist = wl
                workers = 4
                max-connections = 9
                max-frame-size = 128K
                run-dir = /tmp/run
                log-level = WARN
                """);
        QtfsdArguments fromFile = parse("--config", conf.toString());
        QtfsdConfig c = fromFile.config();
        assertEquals(List.of("unix:/tmp/one.sock", "tcp:127.0.0.1:7001"), listen(c));
        assertEquals(dir.resolve("wl"), c.whitelistFile(), "relative paths are relative to the config file");
        assertEquals(4, c.workerThreads());
        assertEquals(9, c.maxConnections());
        assertEquals(128 << 10, c.maxFrameSize());
        assertEquals(Path.of("/tmp/run"), c.runDir());
        assertEquals(LogLevel.WARN, fromFile.logLevel());

        QtfsdArguments overridden = parse("--workers", "2", "-c", conf.toString(), "--listen", "unix:/tmp/cli.sock",
                "--log-level", "ERROR");
        assertEquals(2, overridden.config().workerThreads());
        assertEquals(List.of("unix:/tmp/cli.sock"), listen(overridden.config()),
                "a --listen on the command line replaces the file's list");
        assertEquals(9, overridden.config().maxConnections());
        assertEquals(LogLevel.ERROR, overridden.logLevel());
    }

    @Test
    void clientLimitsFromTheCommandLineAndTheConfigFile() throws IOException, UsageException {
        assertEquals(ClientLimits.defaults(), parse().config().limits());
        assertEquals(new ClientLimits(100, 8, 2 << 20),
                parse("--max-open-files", "100", "--max-in-flight", "8", "--max-connection-memory", "2M").config().limits());
        Path conf = dir.resolve("limits.conf");
        Files.writeString(conf, "max-open-files = 7\nmax-in-flight = 3\nmax-connection-memory = 64K\n");
        assertEquals(new ClientLimits(7, 3, 64 << 10), parse("--config", conf.toString()).config().limits());
        assertEquals(new ClientLimits(9, 3, 64 << 10), parse("--config", conf.toString(), "--max-open-files", "9").config().limits());
        assertEquals("--max-open-files: 0 is out of range (1 to 16777216)", error("--max-open-files", "0"));
        assertEquals("--max-in-flight: 'lots' is not a whole number", error("--max-in-flight", "lots"));
        assertEquals("--max-connection-memory: 1K is out of range (16384 to 2147483647 bytes)", error("--max-connection-memory", "1K"));
    }

    @Test
    void whoMayConnectDefaultsToTlsAndRootOnly() throws UsageException {
        AcceptPolicy p = parse().config().acceptPolicy();
        assertEquals(Path.of("/etc/qtfs/tls"), p.tlsDir());
        assertFalse(p.insecureTcp());
        assertEquals(AllowedUids.ROOT, p.allowedUids());
        assertEquals(Optional.empty(), p.allowedCids());
    }

    @Test
    void securityOptionsSetThePolicy() throws UsageException {
        AcceptPolicy p = parse("--listen", "tcp:0.0.0.0:7000", "--listen", "vsock:7000", "--tls-dir", "/srv/tls", "--insecure-tcp",
                "--allow-uid", "0,1000", "--allow-uid=4242", "--allow-cid", "3", "--allow-cid", "4,5").config().acceptPolicy();
        assertEquals(Path.of("/srv/tls"), p.tlsDir());
        assertTrue(p.insecureTcp());
        assertEquals("0,1000,4242", p.allowedUids().toString());
        assertEquals("3,4,5", p.allowedCids().orElseThrow().toString());
        assertEquals(AllowedCids.any(), parse("--allow-cid", "any").config().acceptPolicy().allowedCids().orElseThrow());
        assertEquals(List.of("vsock:any:7000", "vsock:3:7000"), listen(parse("-l", "vsock:7000", "-l", "vsock:3:7000", "--allow-cid", "any").config()));
    }

    @Test
    void badSecurityOptionsAreNamed() {
        assertEquals("cannot listen on vsock:any:7000 without --allow-cid: qtfsd accepts vsock connections only from the CIDs it is "
                + "told to (e.g. --allow-cid 3, or --allow-cid any)", error("--listen", "vsock:7000"));
        assertEquals("--allow-uid 'root': 'root' is not a uid (a number 0..4294967294)", error("--allow-uid", "root"));
        assertEquals("--allow-uid '0,,1': empty entry in the list", error("--allow-uid", "0,,1"));
        assertEquals("--allow-cid 'x': 'x' is not a CID (a number 0..4294967294) or 'any'", error("--allow-cid", "x"));
        assertEquals("--tls-dir: the path is empty", error("--tls-dir", ""));
        assertEquals("option '--insecure-tcp' takes no value", error("--insecure-tcp=yes"));
        assertEquals("--listen: bad address 'vsock:any:x': port 'x' is not a number 0..4294967294", error("--listen", "vsock:any:x"));
    }

    @Test
    void securitySettingsComeFromTheConfigFileToo() throws IOException, UsageException {
        Path conf = dir.resolve("secure.conf");
        Files.writeString(conf, """
                listen = vsock:7000
                tls-dir = tls
                insecure-tcp = yes
                allow-uid = 0,1000
                allow-cid = 3
                """);
        AcceptPolicy p = parse("--config", conf.toString()).config().acceptPolicy();
        assertEquals(dir.resolve("tls"), p.tlsDir());
        assertTrue(p.insecureTcp());
        assertEquals("0,1000", p.allowedUids().toString());
        assertEquals("3", p.allowedCids().orElseThrow().toString());
        assertEquals("4", parse("--config", conf.toString(), "--allow-cid", "4").config().acceptPolicy().allowedCids().orElseThrow().toString(),
                "--allow-cid on the command line replaces the file's");
        Files.writeString(conf, "insecure-tcp = maybe\n");
        assertEquals(conf + ":1: insecure-tcp: 'maybe' is not yes or no", error("--config", conf.toString()));
        Files.writeString(conf, "insecure-tcp = no\n");
        assertFalse(assertDoesNotThrow(() -> parse("--config", conf.toString())).config().acceptPolicy().insecureTcp());
        Files.writeString(conf, "allow-uid = nobody\n");
        assertEquals(conf + ":1: allow-uid 'nobody': 'nobody' is not a uid (a number 0..4294967294)", error("--config", conf.toString()));
    }

    @Test
    void configFileErrorsNameFileAndLine() throws IOException {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "workers = 4\nthreads = 8\n");
        assertEquals(conf + ":2: unknown setting 'threads' (known: listen, whitelist, workers, max-connections, "
                + "max-frame-size, max-open-files, max-in-flight, max-connection-memory, heartbeat, session-grace, run-dir, tls-dir, insecure-tcp, allow-uid, allow-cid, log-level)", error("--config", conf.toString()));
        Files.writeString(conf, "workers 4\n");
        assertEquals(conf + ":1: expected 'key = value', found 'workers 4'", error("--config", conf.toString()));
        Files.writeString(conf, "\n\nworkers = lots\n");
        assertEquals(conf + ":3: workers: 'lots' is not a whole number", error("--config", conf.toString()));
        Files.writeString(conf, "--workers = 4\n");
        assertEquals(conf + ":1: write the key without dashes ('workers = ...')", error("--config", conf.toString()));
        Files.writeString(conf, " = 4\n");
        assertEquals(conf + ":1: missing key before '='", error("--config", conf.toString()));
        Files.writeString(conf, "config = other.conf\n");
        assertTrue(error("--config", conf.toString()).startsWith(conf + ":1: unknown setting 'config'"));
        Path missing = dir.resolve("missing.conf");
        assertEquals("config file " + missing + " does not exist", error("--config", missing.toString()));
    }
}
