package qtfs.transport;

import static org.junit.jupiter.api.Assertions.*;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qtfs.wire.FrameHeader;

class ListenerTest {
    private static final int MAX = FrameHeader.DEFAULT_MAX_FRAME_SIZE;
    private static final AcceptPolicy PLAIN_TCP = new AcceptPolicy(AcceptPolicy.defaults().tlsDir(), true, AllowedUids.ROOT, java.util.Optional.empty());
    private TempDir dir;

    @BeforeEach
    void setUp() throws Exception {
        dir = new TempDir();
    }

    @AfterEach
    void tearDown() throws Exception {
        dir.close();
    }

    @Test
    void theUnixSocketFileIsPrivateAndRemovedOnClose() throws Exception {
        Path sock = dir.resolve("q.sock");
        try (Listener l = Listener.bind(new Address.Unix(sock), MAX)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            assertEquals(new Address.Unix(sock), l.address());
            try (Connection c = Connector.connect(l.address(), MAX)) {
                assertTrue(c.isOpen());
            }
            try (var files = Files.list(dir.path)) {
                assertEquals(1, files.count(), "no temporary binding directory is left behind");
            }
        }
        assertFalse(Files.exists(sock));
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        Path sock = dir.resolve("stale.sock");
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(sock));
        dead.close(); // leaves the file, with nobody listening: what a killed server leaves
        assertTrue(Files.exists(sock));
        try (Listener l = Listener.bind(new Address.Unix(sock), MAX); Connection c = Connector.connect(l.address(), MAX)) {
            assertTrue(c.isOpen());
        }
    }

    @Test
    void aLiveSocketIsNeverTakenOver() throws Exception {
        Path sock = dir.resolve("live.sock");
        try (Listener first = Listener.bind(new Address.Unix(sock), MAX)) {
            var e = assertThrows(java.io.IOException.class, () -> Listener.bind(new Address.Unix(sock), MAX));
            assertEquals("cannot listen on unix:" + sock + ": another process is listening on it", e.getMessage());
            try (Connection c = Connector.connect(first.address(), MAX)) {
                assertTrue(c.isOpen(), "the first listener still works");
            }
        }
    }

    @Test
    void aFileThatIsNotASocketIsLeftAlone() throws Exception {
        Path file = dir.resolve("data");
        Files.writeString(file, "keep me");
        var e = assertThrows(java.io.IOException.class, () -> Listener.bind(new Address.Unix(file), MAX));
        assertEquals("cannot listen on unix:" + file + ": " + file + " exists and is not a socket", e.getMessage());
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void aMissingDirectoryIsNamed() {
        Path sock = dir.resolve("no/such/dir/q.sock");
        var e = assertThrows(java.io.IOException.class, () -> Listener.bind(new Address.Unix(sock), MAX));
        assertEquals("cannot listen on unix:" + sock + ": directory " + sock.getParent() + " does not exist", e.getMessage());
    }

    @Test
    void tcpPortZeroExposesTheChosenPort() throws Exception {
        try (Listener l = Listener.bind(new Address.Tcp("127.0.0.1", 0), PLAIN_TCP, MAX)) {
            Address.Tcp bound = (Address.Tcp) l.address();
            assertNotEquals(0, bound.port());
            assertEquals("127.0.0.1", bound.host());
            try (Connection c = Connector.to(bound, ClientTls.plainTcp()).connect(MAX)) {
                assertTrue(c.isOpen());
            }
        }
    }

    @Test
    void aTcpPortInUseIsNamed() throws Exception {
        try (Listener first = Listener.bind(new Address.Tcp("127.0.0.1", 0), PLAIN_TCP, MAX)) {
            var e = assertThrows(java.io.IOException.class, () -> Listener.bind(first.address(), PLAIN_TCP, MAX));
            assertEquals("cannot listen on " + first.address() + ": Address already in use", e.getMessage());
        }
    }

    @Test
    void connectErrorsNameTheAddress() throws Exception {
        Path missing = dir.resolve("nobody.sock");
        var unix = assertThrows(java.io.IOException.class, () -> Connector.connect(new Address.Unix(missing), MAX));
        assertEquals("cannot connect to unix:" + missing + ": No such file or directory", unix.getMessage());

        int closedPort;
        try (Listener l = Listener.bind(new Address.Tcp("127.0.0.1", 0), PLAIN_TCP, MAX)) {
            closedPort = ((Address.Tcp) l.address()).port();
        }
        var refused = assertThrows(java.io.IOException.class,
                () -> Connector.to(new Address.Tcp("127.0.0.1", closedPort), ClientTls.plainTcp()).connect(MAX));
        assertEquals("cannot connect to tcp:127.0.0.1:" + closedPort + ": Connection refused", refused.getMessage());

        var unknown = assertThrows(java.io.IOException.class,
                () -> Connector.to(new Address.Tcp("no-such-host.invalid", 1), ClientTls.plainTcp()).connect(MAX));
        assertEquals("cannot connect to tcp:no-such-host.invalid:1: unknown host no-such-host.invalid", unknown.getMessage());

        var zero = assertThrows(java.io.IOException.class, () -> Connector.to(new Address.Tcp("127.0.0.1", 0), ClientTls.plainTcp()).connect(MAX));
        assertEquals("cannot connect to tcp:127.0.0.1:0: port 0 is only for listening", zero.getMessage());
    }
}
