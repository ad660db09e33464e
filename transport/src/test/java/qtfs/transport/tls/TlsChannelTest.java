package qtfs.transport.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;

/** TLS between two real sockets on 127.0.0.1: what is accepted, what is refused, and what each side is told. */
class TlsChannelTest {
    private static final CertificateAuthority CA = CertificateAuthority.create("testhost");
    private static final Credential SERVER = CA.issueServer("testhost", List.of());
    private static final Credential CLIENT = CA.issueClient("dpu1");
    private static final SSLContext SERVER_CONTEXT = TlsContexts.context(SERVER);
    private static final SSLContext CLIENT_CONTEXT = TlsContexts.context(CLIENT);

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] readFully(TlsChannel ch, int size) throws IOException {
        ByteBuffer in = ByteBuffer.allocateDirect(size);
        while (in.hasRemaining()) {
            if (ch.read(in) < 0) throw new EOFException("end of stream after " + in.position() + " of " + size + " bytes");
        }
        byte[] out = new byte[size];
        in.flip().get(out);
        return out;
    }

    /** The failure of the client side: at the handshake, or (TLS 1.3 verifies the client last) at its first read. */
    private static IOException clientFailure(TlsPeers peers, SSLContext context) {
        return assertThrows(IOException.class, () -> {
            try (TlsChannel ch = peers.connect(context)) {
                ch.read(ByteBuffer.allocate(1));
            }
        });
    }

    @Test
    void mutualHandshakeCarriesDataBothWays() throws Exception {
        try (TlsPeers peers = new TlsPeers(SERVER_CONTEXT);
             TlsChannel client = peers.connect(CLIENT_CONTEXT)) {
            TlsChannel server = peers.serverSide();
            assertEquals("dpu1", server.peerName());
            assertEquals("testhost", client.peerName());
            assertEquals("TLSv1.3", client.session().getProtocol());
            assertEquals("TLS_AES_128_GCM_SHA256", client.session().getCipherSuite());

            byte[] header = random(24, 1), payload = random(3 << 20, 2), small = random(100, 3);
            CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
                try {
                    byte[] got = readFully(server, header.length + payload.length + small.length);
                    server.write(ByteBuffer.wrap(got));
                    return got;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            ByteBuffer[] frame = {
                ByteBuffer.allocateDirect(24).put(header).flip(),
                ByteBuffer.allocateDirect(payload.length).put(payload).flip(),
                ByteBuffer.wrap(small),
            };
            assertEquals(header.length + payload.length + small.length, client.write(frame));
            ByteBuffer expected = ByteBuffer.allocate(header.length + payload.length + small.length).put(header).put(payload).put(small);
            assertArrayEquals(expected.array(), echoed.get(20, TimeUnit.SECONDS));
            // small reads through the record-sized leftover buffer
            ByteBuffer back = ByteBuffer.allocate(expected.capacity());
            ByteBuffer piece = ByteBuffer.allocate(1000);
            while (back.hasRemaining()) {
                piece.clear().limit(Math.min(1000, back.remaining()));
                if (client.read(piece) < 0) throw new EOFException();
                back.put(piece.flip());
            }
            assertArrayEquals(expected.array(), back.array());
        }
    }

    @Test
    void aPlainTcpClientIsToldApartFromATlsOne() throws Exception {
        try (TlsPeers peers = new TlsPeers(SERVER_CONTEXT);
             SocketChannel plain = peers.connectPlain()) {
            // what a plain qtfs client sends first: a frame header (length 60, type HELLO)
            ByteBuffer hello = ByteBuffer.allocate(60).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(60).putShort((short) 1);
            plain.write(hello.clear());
            Throwable failure = peers.serverFailure();
            assertInstanceOf(NotTlsException.class, failure);
            assertEquals("TLS: peer " + peers.acceptedPeer + " is not speaking TLS (plain TCP client?)", failure.getMessage());
            assertTrue(failure.getMessage().matches("TLS: peer tcp:127\\.0\\.0\\.1:\\d+ is not speaking TLS \\(plain TCP client\\?\\)"));
            // and the server hung up on it
            assertEquals(-1, plain.read(ByteBuffer.allocate(10)));
        }
    }

    @Test
    void aTlsClientIsToldWhenTheServerIsPlain() throws Exception {
        try (ServerSocketChannel plainServer = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = ((InetSocketAddress) plainServer.getLocalAddress()).getPort();
            Thread server = Thread.ofPlatform().start(() -> {
                try (SocketChannel ch = plainServer.accept()) {
                    ch.read(ByteBuffer.allocate(24));
                    // a plain server's answer to a header it does not understand
                    ch.write(ByteBuffer.wrap(new byte[] {40, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
                } catch (IOException e) {
                    // the test looks at the client
                }
            });
            NotTlsException e = assertThrows(NotTlsException.class, () -> TlsChannel.handshakeAsClient(
                    SocketChannel.open(new InetSocketAddress("127.0.0.1", port)), CLIENT_CONTEXT, "127.0.0.1", port,
                    "tcp:127.0.0.1:" + port, TlsPeers.TIMEOUT));
            assertEquals("TLS: server tcp:127.0.0.1:" + port + " is not speaking TLS (plain TCP server?)", e.getMessage());
            server.join(10_000);
        }
    }

    @Test
    void aServerThatHangsUpDuringTheHandshakeIsReported() throws Exception {
        try (ServerSocketChannel plainServer = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = ((InetSocketAddress) plainServer.getLocalAddress()).getPort();
            Thread server = Thread.ofPlatform().start(() -> {
                try (SocketChannel ch = plainServer.accept()) {
                    ch.read(ByteBuffer.allocate(24));
                } catch (IOException e) {
                    // the test looks at the client
                }
            });
            IOException e = assertThrows(IOException.class, () -> TlsChannel.handshakeAsClient(
                    SocketChannel.open(new InetSocketAddress("127.0.0.1", port)), CLIENT_CONTEXT, "127.0.0.1", port,
                    "tcp:127.0.0.1:" + port, TlsPeers.TIMEOUT));
            // closed or reset, depending on whether the server had read everything before it hung up
            assertTrue(e.getMessage().matches("TLS: server tcp:127\\.0\\.0\\.1:" + port
                    + " (closed|reset) the connection during the TLS handshake \\(does it listen with TLS\\?\\).*"), e.getMessage());
            server.join(10_000);
        }
    }

    @Test
    void aClientWithoutCertificateIsRefused() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", CA.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext noCertificate = SSLContext.getInstance("TLSv1.3");
        noCertificate.init(null, tmf.getTrustManagers(), null);
        try (TlsPeers peers = new TlsPeers(SERVER_CONTEXT)) {
            IOException client = clientFailure(peers, noCertificate);
            assertEquals("TLS: server tcp:127.0.0.1:" + peers.port + " requires a client certificate, and none was sent",
                    client.getMessage());
            Throwable server = peers.serverFailure();
            assertEquals("TLS: refused client " + peers.acceptedPeer + ": it sent no client certificate "
                    + "(a client needs a credential issued by this server's CA)", server.getMessage());
        }
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefused() throws Exception {
        Credential foreign = CertificateAuthority.create("elsewhere").issueClient("dpu1");
        // it trusts our server, but its own certificate comes from another CA
        Credential mixed = new Credential(foreign.privateKey(), foreign.certificate(), CA.certificate());
        try (TlsPeers peers = new TlsPeers(SERVER_CONTEXT)) {
            IOException client = clientFailure(peers, TlsContexts.context(mixed));
            assertTrue(client.getMessage().startsWith("TLS: server tcp:127.0.0.1:" + peers.port
                    + " refused this client's certificate 'dpu1' (issued by 'qtfs CA elsewhere') (alert "), client.getMessage());
            Throwable server = peers.serverFailure();
            assertEquals("TLS: refused client " + peers.acceptedPeer + ": client certificate 'dpu1' (issued by 'qtfs CA elsewhere')"
                    + " is not signed by this side's CA 'qtfs CA testhost'", server.getMessage());
        }
    }

    @Test
    void anExpiredClientCertificateIsRefused() throws Exception {
        Instant now = Instant.now();
        Credential expired = CA.issueClient("old", now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
        try (TlsPeers peers = new TlsPeers(SERVER_CONTEXT)) {
            IOException client = clientFailure(peers, TlsContexts.context(expired));
            assertTrue(client.getMessage().contains("refused this client's certificate 'old'"), client.getMessage());
            Throwable server = peers.serverFailure();
            assertTrue(server.getMessage().matches("TLS: refused client " + java.util.regex.Pattern.quote(peers.acceptedPeer)
                    + ": client certificate 'old' \\(issued by 'qtfs CA testhost'\\) expired on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC"),
                    server.getMessage());
        }
    }

    @Test
    void aServerCertificateForAnotherNameIsRefusedByTheClient() throws Exception {
        Instant now = Instant.now();
        Credential elsewhere = CA.issueServer("elsewhere", List.of("elsewhere.example", "10.9.9.9"),
                now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofDays(1)));
        try (TlsPeers peers = new TlsPeers(TlsContexts.context(elsewhere))) {
            IOException client = assertThrows(IOException.class, () -> peers.connect(CLIENT_CONTEXT, "127.0.0.1"));
            assertEquals("TLS: refused server tcp:127.0.0.1:" + peers.port + ": server certificate 'elsewhere' (issued by "
                    + "'qtfs CA testhost') is not valid for '127.0.0.1': it names elsewhere.example, 10.9.9.9", client.getMessage());
            Throwable server = peers.serverFailure();
            assertTrue(server.getMessage().startsWith("TLS: client " + peers.acceptedPeer + " refused this server's certificate"),
                    server.getMessage());
        }
    }

    @Test
    void theServerCertificateNamesLocalhostByDefault() throws Exception {
        for (String host : List.of("localhost", "127.0.0.1")) {
            try (TlsPeers peers = new TlsPeers(SERVER_CONTEXT);
                 TlsChannel client = peers.connect(CLIENT_CONTEXT, host)) {
                assertEquals("dpu1", peers.serverSide().peerName());
                assertEquals("testhost", client.peerName());
            }
        }
    }

    @Test
    void aServerCertificateFromAnotherCaIsRefusedByTheClient() throws Exception {
        Credential foreignServer = CertificateAuthority.create("elsewhere").issueServer("testhost", List.of());
        try (TlsPeers peers = new TlsPeers(TlsContexts.context(foreignServer))) {
            IOException client = assertThrows(IOException.class, () -> peers.connect(CLIENT_CONTEXT));
            assertEquals("TLS: refused server tcp:127.0.0.1:" + peers.port + ": server certificate 'testhost' (issued by "
                    + "'qtfs CA elsewhere') is not signed by this side's CA 'qtfs CA testhost'", client.getMessage());
            peers.serverFailure();
        }
    }

    @Test
    void aSilentPeerRunsIntoTheHandshakeDeadline() throws Exception {
        try (TlsPeers peers = new TlsPeers(SERVER_CONTEXT, Duration.ofMillis(300));
             SocketChannel silent = peers.connectPlain()) {
            Throwable failure = peers.serverFailure();
            assertTrue(silent.isConnected());
            assertInstanceOf(SocketTimeoutException.class, failure);
            assertEquals("TLS: peer " + peers.acceptedPeer + " did not complete the TLS handshake within 300 ms", failure.getMessage());
        }
    }

    @Test
    void shutdownOutputClosesOneDirectionOnly() throws Exception {
        try (TlsPeers peers = new TlsPeers(SERVER_CONTEXT);
             TlsChannel client = peers.connect(CLIENT_CONTEXT)) {
            TlsChannel server = peers.serverSide();
            client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            client.shutdownOutput();
            assertArrayEquals(new byte[] {1, 2, 3}, readFully(server, 3));
            assertEquals(-1, server.read(ByteBuffer.allocate(10)));
            server.write(ByteBuffer.wrap(new byte[] {4, 5}));
            assertArrayEquals(new byte[] {4, 5}, readFully(client, 2));
            server.shutdownOutput();
            assertEquals(-1, client.read(ByteBuffer.allocate(10)));
        }
    }

    @Test
    void closeEndsABlockedRead() throws Exception {
        try (TlsPeers peers = new TlsPeers(SERVER_CONTEXT)) {
            TlsChannel client = peers.connect(CLIENT_CONTEXT);
            peers.serverSide();
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.read(ByteBuffer.allocate(10));
                } catch (IOException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            Thread.sleep(200);
            client.close();
            Throwable e = assertThrows(java.util.concurrent.ExecutionException.class, () -> read.get(10, TimeUnit.SECONDS)).getCause();
            assertInstanceOf(AsynchronousCloseException.class, e);
            assertFalse(client.isOpen());
        }
    }
}
