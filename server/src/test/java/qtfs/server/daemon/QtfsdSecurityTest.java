package qtfs.server.daemon;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import qtfs.sys.AllowedCids;
import qtfs.sys.Errno;
import qtfs.sys.Vsock;
import qtfs.transport.AcceptPolicy;
import qtfs.transport.Address;
import qtfs.transport.AllowedUids;
import qtfs.transport.ClientTls;
import qtfs.transport.Connection;
import qtfs.transport.Connector;
import qtfs.transport.Handshake;
import qtfs.transport.HandshakeException;
import qtfs.transport.tls.CertificateAuthority;
import qtfs.transport.tls.Credential;
import qtfs.transport.tls.TlsChannel;
import qtfs.transport.tls.TlsContexts;
import qtfs.transport.tls.TlsSetup;
import qtfs.wire.FrameHeader;
import qtfs.wire.Service;
import qtfs.wire.VersionRange;

/**
 * qtfsd turning peers away: each refusal reaches the peer with a message, is logged naming
 * the peer, and nothing is served. Real sockets; other users are child processes under setpriv.
 */
@Timeout(120)
class QtfsdSecurityTest {
    private static final int MAX = FrameHeader.DEFAULT_MAX_FRAME_SIZE;
    private static final Address.Tcp LOCAL_ANY_PORT = new Address.Tcp("127.0.0.1", 0);

    private DaemonFixture f;
    private LogCapture log;
    private Path tlsDir;
    private Path clientCredential;

    @BeforeEach
    void setUp() throws Exception {
        f = new DaemonFixture();
        log = new LogCapture();
        tlsDir = f.root.resolve("tls");
        TlsSetup.initServer(tlsDir, "testhost", List.of());
        clientCredential = TlsSetup.issueClient(tlsDir, "dpu1", f.root.resolve("client.pem"));
    }

    @AfterEach
    void tearDown() throws Exception {
        log.close();
        f.close();
    }

    private Qtfsd start(Address address, AcceptPolicy policy) throws QtfsdException {
        return f.start(new QtfsdConfig(List.of(address), f.whitelist, 2, 16, MAX, f.runDir, policy));
    }

    private AcceptPolicy tls() {
        return new AcceptPolicy(tlsDir, false, AllowedUids.ROOT, Optional.empty());
    }

    private void assertNothingServed(Qtfsd d) throws IOException {
        assertEquals(0, d.sessionCount());
        try (var files = Files.list(f.export)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void aTlsClientIsServedAndTheServerLogsItsCertificateName() throws Exception {
        Qtfsd d = start(LOCAL_ANY_PORT, tls());
        try (Connection c = Connector.to(d.boundAddresses().getFirst(), ClientTls.withCredential(clientCredential)).connect(MAX)) {
            assertEquals(1, new Handshake("qtfs test").initiate(c, Service.FS).version());
            assertEquals("certificate 'testhost'", c.identity());
        }
        log.awaitMatching("INFO connection #1 \\(tcp:127\\.0\\.0\\.1:\\d+ \\(TLS, certificate 'dpu1'\\)\\): client 'qtfs test', "
                + "authenticated as certificate 'dpu1'");
    }

    @Test
    void aPlainClientIsToldTheServerRequiresTlsAndTheServerLogsIt() throws Exception {
        Qtfsd d = start(LOCAL_ANY_PORT, tls());
        Address.Tcp address = (Address.Tcp) d.boundAddresses().getFirst();
        try (Connection plain = Connector.to(address, ClientTls.plainTcp()).connect(MAX)) {
            var e = assertThrows(HandshakeException.class, () -> new Handshake("qtfs").initiate(plain, Service.FS));
            assertTrue(e.getMessage().startsWith(address + " refused the connection: server requires TLS: "), e.getMessage());
        }
        log.awaitMatching("WARNING refused tcp:127\\.0\\.0\\.1:\\d+: server requires TLS: the client connected in plain TCP .*");
        assertNothingServed(d);
    }

    @Test
    void aTlsClientIsToldTheServerIsPlainAndTheServerLogsIt() throws Exception {
        Qtfsd d = start(LOCAL_ANY_PORT, new AcceptPolicy(tlsDir, true, AllowedUids.ROOT, Optional.empty()));
        Address.Tcp address = (Address.Tcp) d.boundAddresses().getFirst();
        log.awaitMatching("WARNING " + Pattern.quote(address.toString()) + ": plain TCP without TLS \\(--insecure-tcp\\): connections are "
                + "neither encrypted nor authenticated, and anyone who can reach this port can connect");
        var e = assertThrows(IOException.class, () -> Connector.to(address, ClientTls.withCredential(clientCredential)).connect(MAX));
        assertTrue(e.getMessage().contains("TLS: server " + address + " is not speaking TLS (plain TCP server?)"), e.getMessage());
        log.awaitMatching("WARNING refused tcp:127\\.0\\.0\\.1:\\d+: the peer sent a TLS handshake, but this connection carries plain "
                + "qtfs frames \\(one side uses TLS, the other plain TCP\\)");
        assertNothingServed(d);
    }

    /** A TLS client with its own context (what a qtfs client would refuse to build), and the first read that shows the server's verdict. */
    private static IOException tlsClientFailure(Address.Tcp address, SSLContext context) {
        return assertThrows(IOException.class, () -> {
            try (TlsChannel ch = TlsChannel.handshakeAsClient(SocketChannel.open(new InetSocketAddress(address.host(), address.port())),
                    context, address.host(), address.port(), address.toString(), Duration.ofSeconds(20))) {
                ch.read(ByteBuffer.allocate(1));
            }
        });
    }

    @Test
    void aClientWithoutCertificateIsRefused() throws Exception {
        Qtfsd d = start(LOCAL_ANY_PORT, tls());
        Address.Tcp address = (Address.Tcp) d.boundAddresses().getFirst();
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", CertificateAuthority.load(tlsDir.resolve(TlsSetup.CA_FILE)).certificate());
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext noCertificate = SSLContext.getInstance("TLSv1.3");
        noCertificate.init(null, tmf.getTrustManagers(), null);
        IOException e = tlsClientFailure(address, noCertificate);
        assertEquals("TLS: server " + address + " requires a client certificate, and none was sent", e.getMessage());
        log.awaitMatching("WARNING TLS: refused client tcp:127\\.0\\.0\\.1:\\d+: it sent no client certificate .*");
        assertNothingServed(d);
    }

    @Test
    void aClientOfAnotherCaRefusesTheServerAndBothSay() throws Exception {
        Qtfsd d = start(LOCAL_ANY_PORT, tls());
        Address.Tcp address = (Address.Tcp) d.boundAddresses().getFirst();
        // a credential issued by another server's CA
        Path otherDir = f.root.resolve("other-tls");
        TlsSetup.initServer(otherDir, "elsewhere", List.of());
        Path foreign = TlsSetup.issueClient(otherDir, "intruder", f.root.resolve("foreign.pem"));
        var e = assertThrows(IOException.class, () -> Connector.to(address, ClientTls.withCredential(foreign)).connect(MAX));
        assertEquals("cannot connect to " + address + ": TLS: refused server " + address + ": server certificate 'testhost' (issued by "
                + "'qtfs CA testhost') is not signed by this side's CA 'qtfs CA elsewhere'", e.getMessage());
        log.awaitMatching("WARNING TLS: client tcp:127\\.0\\.0\\.1:\\d+ refused this server's certificate.*");
        assertNothingServed(d);
    }

    @Test
    void anExpiredClientCertificateIsRefused() throws Exception {
        Qtfsd d = start(LOCAL_ANY_PORT, tls());
        Address.Tcp address = (Address.Tcp) d.boundAddresses().getFirst();
        Instant now = Instant.now();
        Credential expired = CertificateAuthority.load(tlsDir.resolve(TlsSetup.CA_FILE))
                .issueClient("old", now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
        IOException e = tlsClientFailure(address, TlsContexts.context(expired));
        assertTrue(e.getMessage().contains("refused this client's certificate 'old'"), e.getMessage());
        log.awaitMatching("WARNING TLS: refused client tcp:127\\.0\\.0\\.1:\\d+: client certificate 'old' \\(issued by 'qtfs CA testhost'\\)"
                + " expired on .*");
        assertNothingServed(d);
    }

    @Test
    void aVersionOutsideTheRangeIsRefusedOverTlsWithBothRanges() throws Exception {
        Qtfsd d = start(LOCAL_ANY_PORT, tls());
        try (Connection c = Connector.to(d.boundAddresses().getFirst(), ClientTls.withCredential(clientCredential)).connect(MAX)) {
            Handshake future = new Handshake(new VersionRange(2, 3), 0, "qtfs v3", Duration.ofSeconds(10));
            var e = assertThrows(HandshakeException.class, () -> future.initiate(c, Service.FS));
            assertEquals(Errno.EPROTONOSUPPORT, e.errno());
            assertTrue(e.getMessage().matches(".* refused the connection: protocol version mismatch: client 'qtfs v3' speaks versions 2\\.\\.3, "
                    + "server 'qtfsd@.*' speaks versions 1\\.\\.1"), e.getMessage());
        }
        log.awaitMatching("WARNING refused tcp:127\\.0\\.0\\.1:\\d+ \\(TLS, certificate 'dpu1'\\): protocol version mismatch: client "
                + "'qtfs v3' speaks versions 2\\.\\.3, server 'qtfsd@.*' speaks versions 1\\.\\.1");
        assertNothingServed(d);
    }

    @Test
    void aUnixPeerWithAUidNotAllowedIsRefusedWithItsUidAndPid() throws Exception {
        Files.setPosixFilePermissions(f.root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Qtfsd d = start(f.socket, new AcceptPolicy(tlsDir, false, AllowedUids.parse("0,4242"), Optional.empty()));
        // connects as nobody and prints the server's REFUSE: errno and reason
        String client = """
                import socket, struct, sys
                s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
                data = b""
                while True:
                    chunk = s.recv(4096)
                    if not chunk: break
                    data += chunk
                length, kind = struct.unpack_from("<IH", data)
                errno, n = struct.unpack_from("<IH", data, 24)
                print(kind, errno, data[30:30 + n].decode(), flush=True)
                """;
        Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", client,
                f.socket.path().toString()).redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        assertEquals("3 " + Errno.EACCES + " uid 65534 is not allowed to connect (--allow-uid 0,4242)", out);
        log.awaitMatching("WARNING refused " + Pattern.quote(f.socket.toString()) + " \\(uid 65534 gid 65534 pid " + p.pid()
                + "\\): uid 65534 is not allowed to connect \\(--allow-uid 0,4242\\)");
        assertNothingServed(d);
        // root still gets in
        try (Connection c = Connector.connect(f.socket, MAX)) {
            assertEquals(1, new Handshake("root").initiate(c, Service.FS).version());
        }
    }

    @Test
    void vsockNeedsAllowedCidsAndThenListens() throws Exception {
        Address.Vsock anyPort = new Address.Vsock(Vsock.VMADDR_CID_ANY, Vsock.VMADDR_PORT_ANY);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new QtfsdConfig(List.of(f.socket, anyPort), f.whitelist, 2, 16, MAX, f.runDir, tls()));
        assertTrue(e.getMessage().startsWith("cannot listen on " + anyPort + " without --allow-cid: "), e.getMessage());

        Qtfsd d = f.start(new QtfsdConfig(List.of(f.socket, anyPort), f.whitelist, 2, 16, MAX, f.runDir,
                new AcceptPolicy(tlsDir, false, AllowedUids.ROOT, Optional.of(AllowedCids.parse("3")))));
        Address.Vsock bound = (Address.Vsock) d.boundAddresses().get(1);
        assertEquals(Vsock.VMADDR_CID_ANY, bound.cid());
        assertNotEquals(Vsock.VMADDR_PORT_ANY, bound.port());
    }
}
