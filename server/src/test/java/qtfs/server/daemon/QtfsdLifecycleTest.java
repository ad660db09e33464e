package qtfs.server.daemon;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import qtfs.sys.OpenFileLimit;
import qtfs.transport.Address;
import qtfs.wire.Failure;
import qtfs.wire.FrameHeader;
import qtfs.wire.FrameType;
import qtfs.wire.Ping;

@Timeout(120)
class QtfsdLifecycleTest {
    private DaemonFixture f;

    @BeforeEach
    void setUp() throws IOException {
        f = new DaemonFixture();
    }

    @AfterEach
    void tearDown() throws IOException {
        f.close();
    }

    @Test
    void startsListensAndStopsCleanly() throws Exception {
        Qtfsd d = f.start();
        assertEquals(List.of(f.socket), d.boundAddresses());
        assertTrue(Files.exists(f.socket.path()));
        assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(f.runDir.resolve("qtfsd.lock")));
        try (RawClient c = RawClient.connect(f.socket)) {
            c.frame(FrameType.PING, 0, 42, new Ping(0x1234).encode());
            RawClient.Reply pong = c.next();
            assertEquals(FrameType.PONG, pong.type());
            assertEquals(42, pong.header().requestId());
            assertEquals(0x1234, Ping.decode(pong.payload(), FrameType.PONG).value());
            d.close();
            assertThrows(IOException.class, c::next, "connections are closed at shutdown");
        }
        d.awaitTermination();
        assertFalse(Files.exists(f.socket.path()), "the socket file is removed");
        f.daemon = null;
        f.start(); // the lock was released
    }

    @Test
    void clearsTheUmaskSoClientModesApplyAsSent() throws Exception {
        f.start();
        String status = Files.readString(Path.of("/proc/self/status"));
        assertTrue(status.contains("\nUmask:\t0000\n"), status);
    }

    @Test
    void raisesTheOpenFileLimitForTheInodesClientsHold() throws Exception {
        f.start();
        OpenFileLimit.Limits limits = OpenFileLimit.current();
        assertEquals(limits.hard(), limits.soft(), "one descriptor per inode a client knows: as many as allowed");
        if (hasCapability(CAP_SYS_RESOURCE)) {
            long nrOpen = Long.parseLong(Files.readString(Path.of("/proc/sys/fs/nr_open")).trim());
            assertEquals(nrOpen, limits.hard(), "a privileged qtfsd goes up to fs.nr_open");
        }
    }

    private static final int CAP_SYS_RESOURCE = 24;

    private static boolean hasCapability(int cap) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:")) return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << cap)) != 0;
        }
        return false;
    }

    @Test
    void aSecondInstanceInTheSameProcessIsRefused() throws Exception {
        f.start();
        DaemonFixture other = new DaemonFixture();
        try {
            QtfsdConfig sameRunDir = new QtfsdConfig(List.of(other.socket), f.whitelist, 1, 4, FrameHeader.DEFAULT_MAX_FRAME_SIZE, f.runDir);
            var e = assertThrows(QtfsdException.class, () -> Qtfsd.start(sameRunDir));
            assertEquals("another qtfsd is running (pid " + ProcessHandle.current().pid() + ", lock " + f.runDir.resolve("qtfsd.lock") + ")",
                    e.getMessage());
            assertFalse(Files.exists(other.socket.path()), "the refused instance binds nothing");
        } finally {
            other.close();
        }
    }

    @Test
    void aSecondInstanceInAnotherProcessIsRefusedWithItsPid() throws Exception {
        Path holder = f.root.resolve("LockHolder.java");
        Files.writeString(holder, """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                public class LockHolder {
                    public static void main(String[] args) throws Exception {
                        Path file = Path.of(args[0]);
                        Files.createDirectories(file.getParent());
                        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                             var lock = ch.tryLock()) {
                            ch.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\\n").getBytes()));
                            System.out.println("locked");
                            System.out.flush();
                            System.in.read();
                        }
                    }
                }
                """);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), holder.toString(),
                f.runDir.resolve("qtfsd.lock").toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
            assertEquals("locked", out.readLine());
            var e = assertThrows(QtfsdException.class, f::start);
            assertEquals("another qtfsd is running (pid " + p.pid() + ", lock " + f.runDir.resolve("qtfsd.lock") + ")", e.getMessage());
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        f.start(); // the kernel released the lock with the process
    }

    @Test
    void refusesToStartWithoutAMountEntry() throws Exception {
        Files.writeString(f.whitelist, "[Open]\nPath=" + f.export + "\n");
        var e = assertThrows(QtfsdException.class, f::start);
        assertTrue(e.getMessage().contains(f.whitelist.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("[Mount]") || e.getMessage().contains("Mount"), e.getMessage());
        assertFalse(Files.exists(f.socket.path()));
        assertFalse(Files.exists(f.runDir.resolve("qtfsd.lock")), "nothing is locked before the whitelist is good");
    }

    @Test
    void aMissingWhitelistIsNamed() throws Exception {
        Files.delete(f.whitelist);
        var e = assertThrows(QtfsdException.class, f::start);
        assertTrue(e.getMessage().contains(f.whitelist.toString()), e.getMessage());
    }

    @Test
    void anAddressInUseFailsTheStartAndReleasesTheLock() throws Exception {
        f.start();
        DaemonFixture other = new DaemonFixture();
        try {
            QtfsdConfig sameSocket = new QtfsdConfig(List.of(f.socket), other.whitelist, 1, 4, FrameHeader.DEFAULT_MAX_FRAME_SIZE, other.runDir);
            var e = assertThrows(QtfsdException.class, () -> Qtfsd.start(sameSocket));
            assertEquals("cannot listen on " + f.socket + ": another process is listening on it", e.getMessage());
            QtfsdConfig fresh = new QtfsdConfig(List.of(other.socket), other.whitelist, 1, 4, FrameHeader.DEFAULT_MAX_FRAME_SIZE, other.runDir);
            other.start(fresh); // the failed start let go of its lock
        } finally {
            other.close();
        }
    }

    @Test
    void listensOnTcpPortZeroAndReportsThePort() throws Exception {
        java.nio.file.Path tlsDir = f.root.resolve("tls");
        qtfs.transport.tls.TlsSetup.initServer(tlsDir, "testhost", List.of());
        java.nio.file.Path client = qtfs.transport.tls.TlsSetup.issueClient(tlsDir, "tester", f.root.resolve("client.pem"));
        QtfsdConfig tcp = new QtfsdConfig(List.of(f.socket, new Address.Tcp("127.0.0.1", 0)), f.whitelist, 1, 4,
                FrameHeader.DEFAULT_MAX_FRAME_SIZE, f.runDir, new qtfs.transport.AcceptPolicy(tlsDir, false,
                        qtfs.transport.AllowedUids.ROOT, java.util.Optional.empty()));
        Qtfsd d = f.start(tcp);
        Address.Tcp bound = (Address.Tcp) d.boundAddresses().get(1);
        assertNotEquals(0, bound.port());
        try (var c = qtfs.transport.Connector.to(bound, qtfs.transport.ClientTls.withCredential(client))
                .connect(FrameHeader.DEFAULT_MAX_FRAME_SIZE)) {
            assertEquals(1, new qtfs.transport.Handshake("tcp test").initiate(c, qtfs.wire.Service.FS).version());
        }
    }

    @Test
    void connectionsBeyondTheLimitAreRefusedWithAMessage() throws Exception {
        f.start(f.config(1, 2));
        try (RawClient a = RawClient.connect(f.socket); RawClient b = RawClient.connect(f.socket)) {
            try (RawClient c = RawClient.open(f.socket)) {
                c.frame(FrameType.HELLO, 0, 0, new qtfs.wire.Hello(qtfs.wire.VersionRange.SUPPORTED, qtfs.wire.Service.FS, 0, "third").encode());
                RawClient.Reply refuse = c.next();
                assertEquals(FrameType.REFUSE, refuse.type());
                assertEquals("too many connections (the limit is 2)", Failure.decode(refuse.payload(), FrameType.REFUSE).reason());
            }
            a.close();
            // the server notices the closed connection on its own time: retry until a slot is free
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try (RawClient again = RawClient.connect(f.socket)) {
                    break;
                } catch (IOException refused) {
                    if (System.nanoTime() > deadline) throw refused;
                    Thread.sleep(50);
                }
            }
        }
    }

    @Test
    void configRejectsNonsense() {
        var e = assertThrows(IllegalArgumentException.class, () -> f.config(0, 1));
        assertEquals("worker threads must be 1..1024, not 0", e.getMessage());
        var conns = assertThrows(IllegalArgumentException.class, () -> f.config(1, 0));
        assertEquals("max connections must be at least 1, not 0", conns.getMessage());
        var none = assertThrows(IllegalArgumentException.class,
                () -> new QtfsdConfig(List.of(), f.whitelist, 1, 1, FrameHeader.DEFAULT_MAX_FRAME_SIZE, f.runDir));
        assertEquals("qtfsd needs at least one address to listen on", none.getMessage());
        assertEquals(1 << 20, QtfsdConfig.defaults().maxWrite());
    }

}
