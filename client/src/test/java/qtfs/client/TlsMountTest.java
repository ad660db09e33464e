package qtfs.client;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import qtfs.server.daemon.Qtfsd;
import qtfs.server.daemon.QtfsdConfig;
import qtfs.server.whitelist.Section;
import qtfs.transport.AcceptPolicy;
import qtfs.transport.Address;
import qtfs.transport.AllowedUids;
import qtfs.transport.ClientTls;
import qtfs.transport.tls.TlsSetup;
import qtfs.wire.FrameHeader;

/** qtfsd listening with TLS on 127.0.0.1, a real FUSE mount through MountClient, and clients it turns away. */
@Timeout(180)
class TlsMountTest {
    private Path root;
    private Path export;
    private Path mnt;
    private Path clientCredential;
    private Qtfsd daemon;
    private Address server;
    private MountClient client;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createTempDirectory(Path.of("/tmp"), "qtfs-tls");
        export = Files.createDirectory(root.resolve("export"));
        mnt = Files.createDirectory(root.resolve("mnt"));
        Path whitelist = root.resolve("whitelist");
        StringBuilder text = new StringBuilder();
        for (Section s : Section.values()) text.append('[').append(s.title).append("]\nPath=").append(export).append('\n');
        Files.writeString(whitelist, text);
        // the two setup steps, as qtfsd tls init / qtfsd tls issue run them
        Path tlsDir = root.resolve("tls");
        TlsSetup.initServer(tlsDir, "testhost", List.of());
        clientCredential = TlsSetup.issueClient(tlsDir, "dpu1", root.resolve("client.pem"));
        daemon = Qtfsd.start(new QtfsdConfig(List.of(new Address.Tcp("127.0.0.1", 0)), whitelist, 4, 16, FrameHeader.DEFAULT_MAX_FRAME_SIZE,
                root.resolve("run"), new AcceptPolicy(tlsDir, false, AllowedUids.ROOT, Optional.empty())));
        server = daemon.boundAddresses().getFirst();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (client != null) client.close();
        } finally {
            try {
                Mounts.forceUnmount(mnt);
            } finally {
                if (daemon != null) daemon.close();
                Mounts.deleteTree(root);
            }
        }
    }

    private ClientOptions options(ClientTls tls) {
        return new ClientOptions(server, export.toString(), mnt, 2, 2, Duration.ofSeconds(1), Duration.ofSeconds(1), false, false, tls);
    }

    @Test
    void writesReadsAndListsFilesThroughAMountOverTls() throws Exception {
        client = MountClient.mount(options(ClientTls.withCredential(clientCredential)));
        Files.writeString(mnt.resolve("a.txt"), "hello over TLS");
        assertEquals("hello over TLS", Files.readString(mnt.resolve("a.txt")));
        assertEquals("hello over TLS", Files.readString(export.resolve("a.txt")), "the file is on the server");
        Files.createDirectory(mnt.resolve("dir"));
        Files.writeString(export.resolve("dir/from-server.txt"), "made on the server");
        assertEquals("made on the server", Files.readString(mnt.resolve("dir/from-server.txt")));
        try (Stream<Path> list = Files.list(mnt)) {
            assertEquals(List.of("a.txt", "dir"), list.map(p -> p.getFileName().toString()).sorted().toList());
        }
        // full-size frames: many TLS records per frame
        byte[] data = new byte[3 * (1 << 20) + 4321];
        new Random(11).nextBytes(data);
        Files.write(mnt.resolve("big.bin"), data);
        assertArrayEquals(data, Files.readAllBytes(export.resolve("big.bin")));
        assertArrayEquals(data, Files.readAllBytes(mnt.resolve("big.bin")));
    }

    @Test
    void aPlainClientIsToldTheServerRequiresTlsAndNothingIsMounted() throws Exception {
        var e = assertThrows(MountException.class, () -> MountClient.mount(options(ClientTls.plainTcp())));
        assertTrue(e.getMessage().startsWith("cannot mount " + export + " from " + server + " on " + mnt + ": " + server
                + " refused the connection: server requires TLS: "), e.getMessage());
        assertFalse(Mounts.isMounted(mnt));
    }

    @Test
    void aMissingCredentialIsNamedAndNothingIsMounted() throws Exception {
        Path missing = root.resolve("no-such.pem");
        var e = assertThrows(MountException.class, () -> MountClient.mount(options(ClientTls.withCredential(missing))));
        assertEquals("cannot mount " + export + " from " + server + " on " + mnt + ": cannot connect to " + server + " with TLS: TLS file "
                + missing + " does not exist; on the server, 'qtfsd tls issue NAME' makes a credential to copy here (or name its file "
                + "with the mount option cert=FILE)", e.getMessage());
        assertFalse(Mounts.isMounted(mnt));
    }
}
