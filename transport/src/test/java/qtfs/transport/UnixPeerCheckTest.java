package qtfs.transport;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import qtfs.sys.Errno;
import qtfs.wire.FrameHeader;

/** Peers of a unix socket listener running as other users: child processes under setpriv. */
@Timeout(60)
class UnixPeerCheckTest {
    private static final int MAX = FrameHeader.DEFAULT_MAX_FRAME_SIZE;
    /**
     * Connects, then prints what the server said first: "REFUSE errno reason" for a REFUSE
     * frame, "FRAME type" for another, "CLOSED" at end of stream, or the connect error.
     */
    private static final String CLIENT = """
            import socket, struct, sys
            s = socket.socket(socket.AF_UNIX)
            try:
                s.connect(sys.argv[1])
            except OSError as e:
                print("CONNECT", e.strerror); sys.exit(0)
            data = b""
            while len(data) < 24:
                chunk = s.recv(4096)
                if not chunk: break
                data += chunk
            if len(data) < 24: print("CLOSED"); sys.exit(0)
            length, kind = struct.unpack_from("<IH", data)
            while len(data) < length:
                chunk = s.recv(4096)
                if not chunk: break
                data += chunk
            if kind == 3:
                errno, n = struct.unpack_from("<IH", data, 24)
                print("REFUSE", errno, data[30:30 + n].decode())
            else:
                print("FRAME", kind)
            """;

    private TempDir dir;
    private Path socket;

    @BeforeEach
    void setUp() throws Exception {
        dir = new TempDir();
        // other users must reach the socket file
        Files.setPosixFilePermissions(dir.path, PosixFilePermissions.fromString("rwxr-xr-x"));
        socket = dir.resolve("q.sock");
    }

    @AfterEach
    void tearDown() throws Exception {
        dir.close();
    }

    private static AcceptPolicy allowing(String uids) {
        return new AcceptPolicy(AcceptPolicy.defaults().tlsDir(), false, AllowedUids.parse(uids), Optional.empty());
    }

    /** Runs the client as {@code uid} and returns what it printed. */
    private String connectAs(int uid) throws Exception {
        Process p = new ProcessBuilder("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "/usr/bin/python3", "-c", CLIENT,
                socket.toString()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    private static CompletableFuture<Connection> establishNext(Listener listener) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept().establish();
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory()));
    }

    @Test
    void aUserNotAllowedIsRefusedWithItsUidOnBothSides() throws Exception {
        try (Listener l = Listener.bind(new Address.Unix(socket), allowing("0,4242"), MAX)) {
            assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)),
                    "with other users allowed, the uid check decides, not the file mode");
            CompletableFuture<Connection> server = establishNext(l);
            assertEquals("REFUSE " + Errno.EACCES + " uid 65534 is not allowed to connect (--allow-uid 0,4242)", connectAs(65534));
            ExecutionException e = assertThrows(ExecutionException.class, () -> server.get(30, TimeUnit.SECONDS));
            assertInstanceOf(HandshakeException.class, e.getCause());
            assertTrue(e.getCause().getMessage().matches("refused unix:" + java.util.regex.Pattern.quote(socket.toString())
                    + " \\(uid 65534 gid 65534 pid \\d+\\): uid 65534 is not allowed to connect \\(--allow-uid 0,4242\\)"),
                    e.getCause().getMessage());
        }
    }

    @Test
    void anAllowedUserIsServedAndKnownByItsUid() throws Exception {
        try (Listener l = Listener.bind(new Address.Unix(socket), allowing("4242,0"), MAX)) {
            CompletableFuture<Connection> server = establishNext(l);
            CompletableFuture<String> client = CompletableFuture.supplyAsync(() -> {
                try {
                    return connectAs(4242);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory()));
            try (Connection c = server.get(30, TimeUnit.SECONDS)) {
                assertEquals("uid 4242", c.identity());
                assertTrue(c.peer().matches("unix:" + java.util.regex.Pattern.quote(socket.toString()) + " \\(uid 4242 gid 4242 pid \\d+\\)"),
                        c.peer());
                c.send(qtfs.wire.FrameType.PING, 0, 1, java.nio.ByteBuffer.allocate(8));
            }
            assertEquals("FRAME 9", client.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void byDefaultOnlyRootMayConnectAndTheSocketFileKeepsOthersOut() throws Exception {
        try (Listener l = Listener.bind(new Address.Unix(socket), AcceptPolicy.defaults(), MAX)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            assertEquals("CONNECT Permission denied", connectAs(65534));
        }
    }

    @Test
    void uidListsAreParsedWithClearErrors() {
        assertEquals("0,1000,4242", AllowedUids.parse(List.of("1000, 0", "4242")).toString());
        assertTrue(AllowedUids.parse("0").onlyRoot());
        assertFalse(AllowedUids.parse("0,1").onlyRoot());
        assertTrue(AllowedUids.parse("1000").allows(1000));
        assertFalse(AllowedUids.parse("1000").allows(0));
        assertTrue(AllowedUids.parse("4294967294").allows(-2));
        assertNull(AllowedUids.ROOT.refusal(0));
        assertEquals("uid 1000 is not allowed to connect (--allow-uid 0)", AllowedUids.ROOT.refusal(1000));
        assertBad("root", "--allow-uid 'root': 'root' is not a uid (a number 0..4294967294)");
        assertBad("0,,1", "--allow-uid '0,,1': empty entry in the list");
        assertBad("4294967295", "--allow-uid '4294967295': uid 4294967295 is out of range 0..4294967294");
        assertBad("-1", "--allow-uid '-1': '-1' is not a uid (a number 0..4294967294)");
        assertBad(" ", "--allow-uid ' ': expected a uid or a list of uids (0,1000)");
    }

    private static void assertBad(String value, String message) {
        var e = assertThrows(IllegalArgumentException.class, () -> AllowedUids.parse(value));
        assertEquals(message, e.getMessage());
    }
}
