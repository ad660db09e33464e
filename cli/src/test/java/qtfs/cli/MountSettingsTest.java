package qtfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import qtfs.client.ClientOptions;
import qtfs.client.ProcMode;
import qtfs.client.Recovery;

class MountSettingsTest {
    static final String SERVER = "server=unix:/run/qtfs/qtfsd.sock";

    static MountSettings parse(MountSettings.Strictness strictness, String... options) throws UsageException {
        return MountSettings.parse("/srv/share", "/mnt/share", List.of(options), strictness, w -> { });
    }

    static String error(MountSettings.Strictness strictness, String... options) {
        return assertThrows(UsageException.class, () -> parse(strictness, options)).getMessage();
    }

    static String error(String... options) {
        return error(MountSettings.Strictness.STRICT, options);
    }

    @Test
    void defaults() throws UsageException {
        MountSettings s = parse(MountSettings.Strictness.STRICT, SERVER);
        ClientOptions c = s.client();
        assertEquals("unix:/run/qtfs/qtfsd.sock", c.server().toString());
        assertEquals("/srv/share", c.serverPath());
        assertEquals(Path.of("/mnt/share"), c.mountpoint());
        assertEquals(4, c.connections());
        assertEquals(4, c.fuseThreads());
        assertEquals(Duration.ofSeconds(60), c.attrTimeout());
        assertEquals(Duration.ofSeconds(60), c.entryTimeout());
        assertFalse(c.allowOther());
        assertFalse(c.readOnly());
        assertEquals(LogLevel.INFO, s.logLevel());
        assertEquals(Optional.empty(), s.logFile());
        assertEquals(Recovery.defaults(), s.recovery());
    }

    @Test
    void recoveryOptions() throws UsageException {
        MountSettings s = parse(MountSettings.Strictness.STRICT, SERVER + ",heartbeat=2.5,soft,timeo=7");
        assertEquals(new Recovery(Duration.ofMillis(2500), false, Duration.ofSeconds(7)), s.recovery());
        assertTrue(parse(MountSettings.Strictness.STRICT, SERVER + ",soft,hard").recovery().hard(), "the last one counts");
        MountSettings again = parse(MountSettings.Strictness.STRICT, s.optionString());
        assertEquals(s.recovery(), again.recovery(), "the background daemon gets the same");
        assertEquals("mount option 'timeo': must be more than 0 seconds", error(SERVER + ",soft,timeo=0"));
        assertEquals("mount option 'soft' takes no value (found 'soft=1')", error(SERVER + ",soft=1"));
    }

    @Test
    void fifoMode() throws UsageException {
        assertFalse(parse(MountSettings.Strictness.STRICT, SERVER).client().localFifos(), "stream files by default");
        MountSettings local = parse(MountSettings.Strictness.STRICT, SERVER + ",fifo=local");
        assertTrue(local.client().localFifos());
        assertTrue(parse(MountSettings.Strictness.STRICT, local.optionString()).client().localFifos(), "the background daemon gets the same");
        assertFalse(parse(MountSettings.Strictness.STRICT, SERVER + ",fifo=local,fifo=stream").client().localFifos(), "the last one counts");
        assertEquals("mount option 'fifo': 'stream' or 'local', not 'remote'", error(SERVER + ",fifo=remote"));
    }

    @Test
    void everyOptionSetsItsField() throws UsageException {
        MountSettings s = parse(MountSettings.Strictness.STRICT,
                "server=tcp:127.0.0.1:7000,conns=2,threads=8", "attr_timeout=0.25,entry_timeout=0,allow_other,ro",
                "log_level=DEBUG,log=/tmp/m.log");
        ClientOptions c = s.client();
        assertEquals("tcp:127.0.0.1:7000", c.server().toString());
        assertEquals(2, c.connections());
        assertEquals(8, c.fuseThreads());
        assertEquals(Duration.ofMillis(250), c.attrTimeout());
        assertEquals(Duration.ZERO, c.entryTimeout());
        assertTrue(c.allowOther());
        assertTrue(c.readOnly());
        assertEquals(LogLevel.DEBUG, s.logLevel());
        assertEquals(Optional.of(Path.of("/tmp/m.log")), s.logFile());
        assertFalse(parse(MountSettings.Strictness.STRICT, SERVER + ",ro", "rw").client().readOnly(),
                "a later option overrides an earlier one");
    }

    @Test
    void mountPointIsMadeAbsoluteAndNormal() throws UsageException {
        MountSettings s = MountSettings.parse("/srv", "mnt/../mnt/x/", List.of(SERVER),
                MountSettings.Strictness.STRICT, w -> { });
        assertEquals(Path.of("mnt/x").toAbsolutePath(), s.client().mountpoint());
    }

    @Test
    void aRelativeSocketPathIsMadeAbsoluteForTheDaemonThatRunsInTheRootDirectory() throws UsageException {
        MountSettings s = parse(MountSettings.Strictness.STRICT, "server=unix:run/q.sock");
        assertEquals("unix:" + Path.of("run/q.sock").toAbsolutePath(), s.client().server().toString());
        assertTrue(s.optionString().startsWith("server=unix:" + Path.of("run/q.sock").toAbsolutePath() + ","));
    }

    @Test
    void badOptionsAreNamed() {
        assertEquals("missing mount option 'server' (e.g. -o server=unix:/run/qtfs/qtfsd.sock)", error("ro"));
        assertEquals("mount option 'server' needs a value (server=ADDR)", error("server"));
        assertEquals("mount option 'conns' needs a value (conns=N)", error(SERVER + ",conns="));
        assertEquals("mount option 'conns': 0 is out of range (1 to 64)", error(SERVER + ",conns=0"));
        assertEquals("mount option 'threads': 'x' is not a whole number", error(SERVER + ",threads=x"));
        assertEquals("mount option 'attr_timeout': -1 is out of range (0 to 86400 seconds)",
                error(SERVER + ",attr_timeout=-1"));
        assertEquals("mount option 'entry_timeout': 'never' is not a number of seconds (examples: 1, 0.5, 0)",
                error(SERVER + ",entry_timeout=never"));
        assertEquals("mount option 'ro' takes no value (found 'ro=1')", error(SERVER + ",ro=1"));
        assertEquals("mount option 'allow_other' takes no value (found 'allow_other=yes')",
                error(SERVER + ",allow_other=yes"));
        assertEquals("mount option 'log_level': log level 'x' is not one of ERROR, WARN, INFO, DEBUG",
                error(SERVER + ",log_level=x"));
        assertEquals("mount option 'server': vsock:any:3 names no server: write vsock:CID:PORT, e.g. vsock:2:3 for the host "
                + "of this VM", error("server=vsock:3"));
        assertEquals("mount option 'server': bad address 'vsock:x:1': CID 'x' is not a number 0..4294967294 (or 'any')",
                error("server=vsock:x:1"));
        assertEquals("unknown mount option 'cache' (known: server, cert, insecure, conns, threads, attr_timeout, entry_timeout, "
                + "allow_other, ro, rw, heartbeat, hard, soft, timeo, proc, local_proc, local_processes, fifo, log_level, log)",
                error(SERVER + ",cache=yes"));
    }

    @Test
    void serverPathMustBeAbsolute() {
        assertEquals("server path 'srv' must be absolute (start with '/')",
                assertThrows(UsageException.class, () -> MountSettings.parse("srv", "/mnt", List.of(SERVER),
                        MountSettings.Strictness.STRICT, w -> { })).getMessage());
        assertEquals("server path '/a,b' must not contain commas or NUL characters",
                assertThrows(UsageException.class, () -> MountSettings.parse("/a,b", "/mnt", List.of(SERVER),
                        MountSettings.Strictness.STRICT, w -> { })).getMessage());
    }

    @Test
    void mountHelperIgnoresTheOptionsMountPassesToEveryHelper() throws UsageException {
        String generic = "defaults,auto,noauto,user,nouser,users,owner,group,_netdev,nofail,x-systemd.automount,"
                + "comment=x";
        assertEquals(4, parse(MountSettings.Strictness.MOUNT_HELPER, SERVER + "," + generic).client().connections());
        assertEquals("unknown mount option 'defaults' (known: server, cert, insecure, conns, threads, attr_timeout, entry_timeout, "
                + "allow_other, ro, rw, heartbeat, hard, soft, timeo, proc, local_proc, local_processes, fifo, log_level, log)", error(SERVER + ",defaults"));
        assertEquals("mount option 'noexec' is not supported by qtfs",
                error(MountSettings.Strictness.MOUNT_HELPER, SERVER + ",user,noexec"));
        assertEquals("mount option 'remount' is not supported by qtfs (unmount and mount again)",
                error(MountSettings.Strictness.MOUNT_HELPER, SERVER + ",remount"));
    }

    @Test
    void optionsThatEveryQtfsMountSatisfiesAreAccepted() throws UsageException {
        for (MountSettings.Strictness strictness : MountSettings.Strictness.values()) {
            assertFalse(parse(strictness, SERVER + ",nosuid,nodev,exec,async,relatime").client().readOnly());
        }
        assertEquals("unknown mount option 'nosuid' (known: server, cert, insecure, conns, threads, attr_timeout, entry_timeout, "
                + "allow_other, ro, rw, heartbeat, hard, soft, timeo, proc, local_proc, local_processes, fifo, log_level, log)", error(SERVER + ",nosuid=1"));
    }

    @Test
    void sloppyIgnoresUnknownOptionsWithAWarning() throws UsageException {
        List<String> warnings = new ArrayList<>();
        MountSettings s = MountSettings.parse("/srv", "/mnt", List.of(SERVER + ",noexec,cache=no,_netdev,nosuid"),
                MountSettings.Strictness.SLOPPY, warnings::add);
        assertEquals(List.of("ignoring mount option 'noexec' (not supported by qtfs)",
                "ignoring unknown mount option 'cache=no'"), warnings);
        assertEquals("/srv", s.client().serverPath());
        assertEquals("mount option 'conns': 0 is out of range (1 to 64)",
                error(MountSettings.Strictness.SLOPPY, SERVER + ",conns=0"), "known options are still checked");
    }

    @Test
    void procModeOptions() throws UsageException {
        assertEquals(ProcMode.OFF, parse(MountSettings.Strictness.STRICT, SERVER).client().procMode());
        ProcMode defaults = parse(MountSettings.Strictness.STRICT, SERVER + ",proc").client().procMode();
        assertEquals(ProcMode.on(Path.of("/local_proc"), List.of()), defaults);
        MountSettings s = parse(MountSettings.Strictness.STRICT,
                SERVER + ",proc,local_proc=/run/../host_proc,local_processes=dockerd:containerd");
        assertEquals(ProcMode.on(Path.of("/host_proc"), List.of("dockerd", "containerd")), s.client().procMode());
        assertEquals(s.client(), parse(MountSettings.Strictness.STRICT, s.optionString()).client(), "the background daemon gets the same");
        assertEquals("mount option 'local_proc' belongs to proc mode: add the mount option 'proc'",
                error(SERVER + ",local_proc=/p"));
        assertEquals("mount option 'local_processes' belongs to proc mode: add the mount option 'proc'",
                error(SERVER + ",local_processes=dockerd"));
        assertEquals("mount option 'local_processes': 'dockerd::x' is not a list of process names (NAME[:NAME]..., "
                + "e.g. dockerd:containerd)", error(SERVER + ",proc,local_processes=dockerd::x"));
        assertEquals("mount option 'proc' takes no value (found 'proc=1')", error(SERVER + ",proc=1"));
    }

    @Test
    void optionStringParsesBackToTheSameSettings() throws UsageException {
        for (String options : List.of(SERVER, "server=tcp:127.0.0.1:9,conns=3,threads=2,attr_timeout=0.125,"
                + "entry_timeout=7,allow_other,ro,log_level=WARN,log=/tmp/x.log", "server=tcp:h:1,insecure", "server=tcp:h:1,cert=/x.pem",
                "server=vsock:2:7000")) {
            MountSettings s = parse(MountSettings.Strictness.STRICT, options);
            MountSettings again = parse(MountSettings.Strictness.STRICT, s.optionString());
            assertEquals(s.optionString(), again.optionString());
            assertEquals(s.client().attrTimeout(), again.client().attrTimeout());
            assertEquals(s.client().toString(), again.client().toString());
            assertEquals(s.logFile(), again.logFile());
        }
    }

    @Test
    void tcpIsTlsWithTheDefaultCredentialUnlessToldOtherwise() throws UsageException {
        ClientOptions tls = parse(MountSettings.Strictness.STRICT, "server=tcp:[::1]:7000").client();
        assertEquals(Path.of("/etc/qtfs/tls/client.pem"), tls.tls().credential());
        assertFalse(tls.tls().insecure());
        assertEquals(Path.of("cred/dpu1.pem").toAbsolutePath(),
                parse(MountSettings.Strictness.STRICT, "server=tcp:host:7000,cert=cred/dpu1.pem").client().tls().credential(),
                "relative to where qtfs mount ran: the daemon runs in /");
        List<String> warnings = new ArrayList<>();
        ClientOptions plain = MountSettings.parse("/srv", "/mnt", List.of("server=tcp:host:7000,insecure"),
                MountSettings.Strictness.STRICT, warnings::add).client();
        assertTrue(plain.tls().insecure());
        assertEquals(List.of("warning: mount option insecure: the connection to tcp:host:7000 is plain TCP, neither encrypted nor "
                + "authenticated"), warnings);
        assertTrue(parse(MountSettings.Strictness.STRICT, "server=tcp:host:7000,insecure").optionString()
                .startsWith("server=tcp:host:7000,insecure,"));
        assertTrue(parse(MountSettings.Strictness.STRICT, "server=tcp:host:7000,cert=/c.pem").optionString()
                .startsWith("server=tcp:host:7000,cert=/c.pem,"));
        assertEquals("mount options 'cert' and 'insecure' exclude each other", error("server=tcp:host:7000,cert=/c.pem,insecure"));
        assertEquals("mount option 'insecure' is for tcp: servers only (unix:/run/qtfs/qtfsd.sock is not TLS)", error(SERVER + ",insecure"));
        assertEquals("mount option 'cert' is for tcp: servers only (vsock:2:7000 is not TLS)", error("server=vsock:2:7000,cert=/c.pem"));
        assertEquals("mount option 'insecure' takes no value (found 'insecure=yes')", error("server=tcp:h:1,insecure=yes"));
        assertEquals("mount option 'cert' needs a value (cert=FILE)", error("server=tcp:h:1,cert"));
    }

    @Test
    void vsockServersAreNamedByCidAndPort() throws UsageException {
        ClientOptions c = parse(MountSettings.Strictness.STRICT, "server=vsock:2:7000").client();
        assertEquals("vsock:2:7000", c.server().toString());
        assertTrue(parse(MountSettings.Strictness.STRICT, "server=vsock:2:7000").optionString().startsWith("server=vsock:2:7000,conns="));
    }

    @Test
    void optionListSkipsEmptyItemsAndKeepsEqualsInValues() {
        assertEquals(List.of(new MountOptionList.Item("a", "b=c"), new MountOptionList.Item("ro", null)),
                MountOptionList.parse(",a=b=c,, ro ,"));
        assertEquals("a=b=c", new MountOptionList.Item("a", "b=c").toString());
    }
}
