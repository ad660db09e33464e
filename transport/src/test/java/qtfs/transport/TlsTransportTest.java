package qtfs.transport;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import qtfs.sys.Errno;
import qtfs.transport.tls.CertificateAuthority;
import qtfs.transport.tls.TlsChannel;
import qtfs.transport.tls.TlsContexts;
import qtfs.transport.tls.TlsSetup;
import qtfs.wire.FrameHeader;
import qtfs.wire.FrameType;
import qtfs.wire.Hello;
import qtfs.wire.Service;
import qtfs.wire.VersionRange;
import qtfs.wire.Welcome;

/** TCP listeners with and without TLS, and clients of either kind, over real sockets on 127.0.0.1. */
@Timeout(60)
class TlsTransportTest {
    private static final int MAX = FrameHeader.DEFAULT_MAX_FRAME_SIZE;
    private static final Address.Tcp ANY_PORT = new Address.Tcp("127.0.0.1", 0);
    private TlsFiles tls;

    @BeforeEach
    void setUp() throws Exception {
        tls = new TlsFiles("testhost", "dpu1");
    }

    @AfterEach
    void tearDown() throws Exception {
        tls.close();
    }

    /** What the server side's establish ended with, run on a thread of its own. */
    private static CompletableFuture<Connection> establishNext(Listener listener) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept().establish();
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory()));
    }

    private static Throwable failure(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        return e.getCause();
    }

    private static String port(Listener l) {
        return String.valueOf(((Address.Tcp) l.address()).port());
    }

    @Test
    void tlsCarriesTheHandshakeAndNamesEachSideByItsCertificate() throws Exception {
        try (Pair p = Pair.open(ANY_PORT, tls.policy(), tls.client(), MAX)) {
            assertEquals("certificate 'dpu1'", p.server.identity());
            assertEquals("certificate 'testhost'", p.client.identity());
            assertTrue(p.server.peer().matches("tcp:127\\.0\\.0\\.1:\\d+ \\(TLS, certificate 'dpu1'\\)"), p.server.peer());
            assertEquals("tcp:127.0.0.1:" + port(p.listener) + " (TLS, certificate 'testhost')", p.client.peer());
            assertInstanceOf(TlsChannel.class, ((ChannelLink<?>) p.client.channel()).channel());
            assertInstanceOf(TlsChannel.class, ((ChannelLink<?>) p.server.channel()).channel());
            // a request/reply protocol needs Nagle off, TLS or not
            assertTrue(ConnectionTest.socket(p.client).getOption(StandardSocketOptions.TCP_NODELAY), "client TCP_NODELAY");
            assertTrue(ConnectionTest.socket(p.server).getOption(StandardSocketOptions.TCP_NODELAY), "server TCP_NODELAY");

            CompletableFuture<Hello> hello = CompletableFuture.supplyAsync(() -> {
                try {
                    return new Handshake("qtfsd").accept(p.server, Set.of(Service.FS));
                } catch (IOException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory()));
            Welcome w = new Handshake("qtfs").initiate(p.client, Service.FS);
            assertEquals(1, w.version());
            assertEquals("qtfs", hello.get(10, TimeUnit.SECONDS).identity());
            ByteBuffer big = ByteBuffer.allocateDirect(MAX - FrameHeader.SIZE);
            p.client.send(FrameType.PING, 0, 5, big);
            assertEquals(MAX, p.server.receive().header().length());
        }
    }

    @Test
    void aVersionMismatchOverTlsIsRefusedWithBothRangesOnBothSides() throws Exception {
        try (Pair p = Pair.open(ANY_PORT, tls.policy(), tls.client(), MAX)) {
            CompletableFuture<Hello> server = CompletableFuture.supplyAsync(() -> {
                try {
                    return new Handshake("qtfsd v1").accept(p.server, Set.of(Service.FS));
                } catch (IOException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory()));
            Handshake future = new Handshake(new VersionRange(2, 3), 0, "qtfs v3", Duration.ofSeconds(10));
            var client = assertThrows(HandshakeException.class, () -> future.initiate(p.client, Service.FS));
            String reason = "protocol version mismatch: client 'qtfs v3' speaks versions 2..3, server 'qtfsd v1' speaks versions 1..1";
            assertEquals(p.client.peer() + " refused the connection: " + reason, client.getMessage());
            assertEquals("refused " + p.server.peer() + ": " + reason, failure(server).getMessage());
        }
    }

    @Test
    void aPlainClientIsToldThatTheServerRequiresTls() throws Exception {
        try (Listener l = Listener.bind(ANY_PORT, tls.policy(), MAX)) {
            CompletableFuture<Connection> server = establishNext(l);
            try (Connection plain = Connector.to(l.address(), ClientTls.plainTcp()).connect(MAX)) {
                var e = assertThrows(HandshakeException.class, () -> new Handshake("qtfs").initiate(plain, Service.FS));
                assertEquals("tcp:127.0.0.1:" + port(l) + " refused the connection: server requires TLS: the client connected in "
                        + "plain TCP (it needs a credential from the server's 'qtfsd tls issue', without the mount option insecure)",
                        e.getMessage());
                assertEquals(Errno.EACCES, e.errno());
            }
            Throwable refused = failure(server);
            assertInstanceOf(HandshakeException.class, refused);
            assertTrue(refused.getMessage().matches("refused tcp:127\\.0\\.0\\.1:\\d+: server requires TLS: the client connected in plain TCP .*"),
                    refused.getMessage());
        }
    }

    @Test
    void aTlsClientIsToldThatTheServerIsPlain() throws Exception {
        AcceptPolicy plain = new AcceptPolicy(tls.tlsDir, true, AllowedUids.ROOT, java.util.Optional.empty());
        try (Listener l = Listener.bind(ANY_PORT, plain, MAX)) {
            CompletableFuture<Hello> server = CompletableFuture.supplyAsync(() -> {
                try (Connection c = l.accept().establish()) {
                    return new Handshake("qtfsd").accept(c, Set.of(Service.FS));
                } catch (IOException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory()));
            var e = assertThrows(IOException.class, () -> Connector.to(l.address(), tls.client()).connect(MAX));
            assertEquals("cannot connect to tcp:127.0.0.1:" + port(l) + ": TLS: server tcp:127.0.0.1:" + port(l)
                    + " is not speaking TLS (plain TCP server?); a server started with --insecure-tcp is reached with the mount "
                    + "option insecure", e.getMessage());
            Throwable refused = failure(server);
            assertTrue(refused.getMessage().matches("refused tcp:127\\.0\\.0\\.1:\\d+: the peer sent a TLS handshake, but this "
                    + "connection carries plain qtfs frames \\(one side uses TLS, the other plain TCP\\)"), refused.getMessage());
        }
    }

    @Test
    void aClientWithoutItsCredentialFileIsToldWhereToGetOne() throws Exception {
        var e = assertThrows(IOException.class,
                () -> Connector.to(new Address.Tcp("127.0.0.1", 7000), ClientTls.withCredential(tls.dir.resolve("none.pem"))));
        assertEquals("cannot connect to tcp:127.0.0.1:7000 with TLS: TLS file " + tls.dir.resolve("none.pem") + " does not exist; "
                + "on the server, 'qtfsd tls issue NAME' makes a credential to copy here (or name its file with the mount option "
                + "cert=FILE)", e.getMessage());
        // unix and vsock addresses do not need it
        assertEquals(new Address.Unix(tls.dir.resolve("x.sock")),
                Connector.to(new Address.Unix(tls.dir.resolve("x.sock")), ClientTls.withCredential(tls.dir.resolve("none.pem"))).address());
    }

    @Test
    void aClientThatSendsNoCertificateIsRefused() throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", CertificateAuthority.load(tls.tlsDir.resolve(TlsSetup.CA_FILE)).certificate());
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        javax.net.ssl.SSLContext noCertificate = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        noCertificate.init(null, tmf.getTrustManagers(), null);
        try (Listener l = Listener.bind(ANY_PORT, tls.policy(), MAX)) {
            CompletableFuture<Connection> server = establishNext(l);
            int port = ((Address.Tcp) l.address()).port();
            IOException client = assertThrows(IOException.class, () -> {
                try (TlsChannel ch = TlsChannel.handshakeAsClient(SocketChannel.open(new InetSocketAddress("127.0.0.1", port)),
                        noCertificate, "127.0.0.1", port, "tcp:127.0.0.1:" + port, Duration.ofSeconds(20))) {
                    ch.read(ByteBuffer.allocate(1));
                }
            });
            assertEquals("TLS: server tcp:127.0.0.1:" + port + " requires a client certificate, and none was sent", client.getMessage());
            Throwable refused = failure(server);
            assertInstanceOf(HandshakeException.class, refused);
            assertTrue(refused.getMessage().matches("TLS: refused client tcp:127\\.0\\.0\\.1:\\d+: it sent no client certificate .*"),
                    refused.getMessage());
        }
    }

    @Test
    void aClientOfAnotherCaIsRefusedAndRefusesTheServer() throws Exception {
        try (TlsFiles other = new TlsFiles("otherhost", "dpu2");
             Listener l = Listener.bind(ANY_PORT, tls.policy(), MAX)) {
            CompletableFuture<Connection> server = establishNext(l);
            var client = assertThrows(IOException.class, () -> Connector.to(l.address(), other.client()).connect(MAX));
            assertEquals("cannot connect to tcp:127.0.0.1:" + port(l) + ": TLS: refused server tcp:127.0.0.1:" + port(l)
                    + ": server certificate 'testhost' (issued by 'qtfs CA testhost') is not signed by this side's CA 'qtfs CA otherhost'",
                    client.getMessage());
            Throwable refused = failure(server);
            assertTrue(refused.getMessage().matches("TLS: client tcp:127\\.0\\.0\\.1:\\d+ refused this server's certificate.*"),
                    refused.getMessage());
        }
    }

    @Test
    void anExpiredClientCertificateIsRefusedByTheServerAndByTheClientItself() throws Exception {
        CertificateAuthority ca = CertificateAuthority.load(tls.tlsDir.resolve(TlsSetup.CA_FILE));
        Instant now = Instant.now();
        var expired = ca.issueClient("old", now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
        java.nio.file.Path file = tls.dir.resolve("old.pem");
        expired.save(file, false);
        var local = assertThrows(IOException.class, () -> Connector.to(new Address.Tcp("127.0.0.1", 7000), ClientTls.withCredential(file)));
        assertTrue(local.getMessage().matches("cannot connect to tcp:127\\.0\\.0\\.1:7000 with TLS: TLS credential " + Pattern.quote(file.toString())
                + ": certificate 'old' \\(issued by 'qtfs CA testhost'\\) expired on .*"), local.getMessage());

        // a client that sends it anyway
        try (Listener l = Listener.bind(ANY_PORT, tls.policy(), MAX)) {
            CompletableFuture<Connection> server = establishNext(l);
            int port = ((Address.Tcp) l.address()).port();
            IOException client = assertThrows(IOException.class, () -> {
                try (TlsChannel ch = TlsChannel.handshakeAsClient(SocketChannel.open(new InetSocketAddress("127.0.0.1", port)),
                        TlsContexts.context(expired), "127.0.0.1", port, "tcp:127.0.0.1:" + port, Duration.ofSeconds(20))) {
                    ch.read(ByteBuffer.allocate(1));
                }
            });
            assertTrue(client.getMessage().contains("refused this client's certificate 'old'"), client.getMessage());
            Throwable refused = failure(server);
            assertTrue(refused.getMessage().matches("TLS: refused client tcp:127\\.0\\.0\\.1:\\d+: client certificate 'old' "
                    + "\\(issued by 'qtfs CA testhost'\\) expired on .*"), refused.getMessage());
        }
    }

    @Test
    void aServerWithoutItsCredentialDoesNotListenAndSaysHowToMakeOne() throws Exception {
        AcceptPolicy empty = new AcceptPolicy(tls.dir.resolve("nothing"), false, AllowedUids.ROOT, java.util.Optional.empty());
        var e = assertThrows(IOException.class, () -> Listener.bind(ANY_PORT, empty, MAX));
        assertEquals("cannot listen on tcp:127.0.0.1:0 with TLS: TLS file " + tls.dir.resolve("nothing/server.pem")
                + " does not exist; create it with 'qtfsd tls init', or listen in plain TCP with --insecure-tcp (neither encrypted "
                + "nor authenticated)", e.getMessage());
    }
}
