package qtfs.transport;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qtfs.sys.Errno;
import qtfs.wire.FrameHeader;
import qtfs.wire.FrameType;
import qtfs.wire.Hello;
import qtfs.wire.Service;
import qtfs.wire.VersionRange;
import qtfs.wire.Welcome;

class HandshakeTest {
    private static final int MAX = FrameHeader.DEFAULT_MAX_FRAME_SIZE;
    private TempDir dir;
    private ExecutorService serverThread;

    @BeforeEach
    void setUp() throws Exception {
        dir = new TempDir();
        serverThread = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDown() throws Exception {
        serverThread.shutdownNow();
        dir.close();
    }

    private Future<Hello> serve(Connection c, Handshake h, Set<Service> services) {
        return serverThread.submit(() -> h.accept(c, services));
    }

    private void agreesOnVersionServiceAndIdentities(Address address) throws Exception {
        try (Pair p = Pair.open(address, MAX)) {
            Future<Hello> server = serve(p.server, new Handshake(VersionRange.SUPPORTED, 0b0110, "qtfsd test", Duration.ofSeconds(10)),
                    Set.of(Service.FS));
            Welcome w = new Handshake(new VersionRange(1, 4), 0b0011, "qtfs client", Duration.ofSeconds(10)).initiate(p.client, Service.FS);
            Hello h = server.get(10, TimeUnit.SECONDS);
            assertEquals(1, w.version());
            assertEquals(0b0010, w.features(), "features are the intersection");
            assertEquals("qtfsd test", w.identity());
            assertEquals("qtfs client", h.identity());
            assertEquals(Service.FS, h.service());
            assertEquals(new VersionRange(1, 4), h.versions());
            // the connection carries frames after the handshake
            p.client.send(FrameType.PING, 0, 77, ByteBuffer.allocate(8));
            assertEquals(77, p.server.receive().header().requestId());
        }
    }

    @Test
    void handshakeOverUnix() throws Exception {
        agreesOnVersionServiceAndIdentities(new Address.Unix(dir.resolve("h.sock")));
    }

    @Test
    void handshakeOverTcp() throws Exception {
        agreesOnVersionServiceAndIdentities(new Address.Tcp("127.0.0.1", 0));
    }

    @Test
    void handshakeOverTcpIpv6() throws Exception {
        agreesOnVersionServiceAndIdentities(new Address.Tcp("::1", 0));
    }

    @Test
    void aVersionMismatchIsRefusedWithBothRangesOnBothSides() throws Exception {
        try (Pair p = Pair.open(new Address.Unix(dir.resolve("v.sock")), MAX)) {
            Future<Hello> server = serve(p.server, new Handshake("qtfsd v1"), Set.of(Service.FS));
            Handshake future = new Handshake(new VersionRange(2, 3), 0, "qtfs v3", Duration.ofSeconds(10));
            var client = assertThrows(HandshakeException.class, () -> future.initiate(p.client, Service.FS));
            String reason = "protocol version mismatch: client 'qtfs v3' speaks versions 2..3, server 'qtfsd v1' speaks versions 1..1";
            assertEquals("unix:" + dir.resolve("v.sock") + " refused the connection: " + reason, client.getMessage());
            assertEquals(Errno.EPROTONOSUPPORT, client.errno());
            var serverSide = assertThrows(ExecutionException.class, () -> server.get(10, TimeUnit.SECONDS));
            assertInstanceOf(HandshakeException.class, serverSide.getCause());
            assertEquals("refused " + p.server.peer() + ": " + reason, serverSide.getCause().getMessage());
            assertThrows(PeerClosedException.class, p.client::receive, "the server ends the stream after REFUSE");
        }
    }

    @Test
    void aServiceNotOfferedIsRefused() throws Exception {
        try (Pair p = Pair.open(new Address.Unix(dir.resolve("s.sock")), MAX)) {
            serve(p.server, new Handshake("qtfsd"), Set.of(Service.FS, Service.INFO));
            var e = assertThrows(HandshakeException.class, () -> new Handshake("rexec").initiate(p.client, Service.EXEC));
            assertTrue(e.getMessage().endsWith("refused the connection: service exec is not offered here (offered: fs, info)"), e.getMessage());
        }
    }

    @Test
    void garbageInsteadOfHelloIsRefusedWithTheProtocolError() throws Exception {
        try (Pair p = Pair.open(new Address.Unix(dir.resolve("g.sock")), MAX)) {
            Future<Hello> server = serve(p.server, new Handshake("qtfsd"), Set.of(Service.FS));
            p.client.channel().write(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes()));
            var e = assertThrows(ExecutionException.class, () -> server.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("exceeds the maximum frame size"), e.getCause().getMessage());
            Frame refuse = p.client.receive();
            assertEquals(FrameType.REFUSE, refuse.header().type());
            assertEquals(Errno.EPROTO, qtfs.wire.Failure.decode(refuse.payload(), FrameType.REFUSE).errno());
        }
    }

    @Test
    void aFirstFrameOtherThanHelloIsRefused() throws Exception {
        try (Pair p = Pair.open(new Address.Unix(dir.resolve("f.sock")), MAX)) {
            Future<Hello> server = serve(p.server, new Handshake("qtfsd"), Set.of(Service.FS));
            p.client.send(FrameType.PING, 0, 0, ByteBuffer.allocate(8));
            var e = assertThrows(ExecutionException.class, () -> server.get(10, TimeUnit.SECONDS));
            assertEquals("refused " + p.server.peer() + ": expected HELLO, got PING", e.getCause().getMessage());
        }
    }

    @Test
    void declineAnswersTheHelloWithTheReason() throws Exception {
        try (Pair p = Pair.open(new Address.Unix(dir.resolve("d.sock")), MAX)) {
            CompletableFuture<HandshakeException> declined = CompletableFuture.supplyAsync(
                    () -> new Handshake("qtfsd").decline(p.server, Errno.EAGAIN, "too many connections (limit 1)"), serverThread);
            var e = assertThrows(HandshakeException.class, () -> new Handshake("qtfs").initiate(p.client, Service.FS));
            assertTrue(e.getMessage().endsWith(" refused the connection: too many connections (limit 1)"), e.getMessage());
            assertEquals(Errno.EAGAIN, e.errno());
            assertEquals("refused " + p.server.peer() + ": too many connections (limit 1)", declined.get().getMessage());
        }
    }

    @Test
    void aSilentServerTimesTheClientOut() throws Exception {
        try (Pair p = Pair.open(new Address.Unix(dir.resolve("t.sock")), MAX)) {
            Handshake impatient = new Handshake(VersionRange.SUPPORTED, 0, "qtfs", Duration.ofMillis(200));
            var e = assertThrows(HandshakeException.class, () -> impatient.initiate(p.client, Service.FS));
            assertEquals("no answer from unix:" + dir.resolve("t.sock") + " to HELLO within 200 ms", e.getMessage());
            assertFalse(p.client.isOpen());
        }
    }
}
