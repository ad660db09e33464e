package qtfs.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real unix sockets: a peer in this process, and one in a child process running as another user. */
@org.junit.jupiter.api.Timeout(60)
class UnixListenerTest {
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "qtfs-ul");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Test
    void acceptedConnectionsCarryDataAndNameTheirPeer() throws Exception {
        Path path = dir.resolve("s.sock");
        try (UnixListener listener = UnixListener.bind(path, 8);
             SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path));
             UnixChannel server = listener.accept()) {
            PeerCredentials peer = server.peerCredentials();
            assertEquals(ProcessHandle.current().pid(), peer.pid());
            assertEquals(UserIds.euid(), peer.uid());
            assertEquals(UserIds.egid(), peer.gid());
            assertEquals("uid " + peer.uid() + " gid " + peer.gid() + " pid " + peer.pid(), peer.toString());

            client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer in = ByteBuffer.allocateDirect(4);
            while (in.hasRemaining()) assertTrue(server.read(in) > 0);
            assertEquals("ping", StandardCharsets.US_ASCII.decode(in.flip()).toString());
            server.write(new ByteBuffer[] {ByteBuffer.wrap("po".getBytes(StandardCharsets.US_ASCII)), ByteBuffer.allocateDirect(2).put((byte) 'n').put((byte) 'g').flip()});
            server.shutdownOutput();
            ByteBuffer back = ByteBuffer.allocate(8);
            while (client.read(back) >= 0) { }
            assertEquals("pong", StandardCharsets.US_ASCII.decode(back.flip()).toString());
        }
    }

    @Test
    void bufferSizesCanBeRaised() throws Exception {
        Path path = dir.resolve("s.sock");
        try (UnixListener listener = UnixListener.bind(path, 8);
             SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path));
             UnixChannel server = listener.accept()) {
            int before = server.receiveBufferSize();
            server.setBufferSizes(4 << 20);
            assertTrue(server.receiveBufferSize() > before, before + " -> " + server.receiveBufferSize());
        }
    }

    @Test
    void aPeerRunningAsAnotherUserIsSeenWithItsOwnUidAndPid() throws Exception {
        Path path = dir.resolve("s.sock");
        try (UnixListener listener = UnixListener.bind(path, 8)) {
            Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
            Process child = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c",
                    "import os,socket; s=socket.socket(socket.AF_UNIX); s.connect('" + path + "'); print(os.getpid(), flush=True); s.recv(1)")
                    .redirectErrorStream(true).start();
            try (UnixChannel server = listener.accept()) {
                PeerCredentials peer = server.peerCredentials();
                assertEquals(65534, peer.uid());
                assertEquals(65534, peer.gid());
                String printed = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                assertEquals(printed, String.valueOf(peer.pid()));
            } finally {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void anExistingPathIsRefusedWithTheErrnoAndThePath() throws Exception {
        Path path = dir.resolve("taken");
        Files.createFile(path);
        ErrnoException e = assertThrows(ErrnoException.class, () -> UnixListener.bind(path, 8));
        assertEquals(Errno.EADDRINUSE, e.errno());
        assertEquals("bind " + path + ": Address already in use (EADDRINUSE)", e.getMessage());
    }

    @Test
    void aTooLongPathIsRefusedBeforeAnySystemCall() {
        Path path = dir.resolve("x".repeat(120));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnixListener.bind(path, 8));
        assertTrue(e.getMessage().startsWith("unix socket path " + path + " is "), e.getMessage());
    }

    @Test
    void closeEndsABlockedAccept() throws Exception {
        UnixListener listener = UnixListener.bind(dir.resolve("s.sock"), 8);
        try {
            CompletableFuture<UnixChannel> accepted = new CompletableFuture<>();
            Thread acceptor = Thread.ofPlatform().start(() -> {
                try {
                    accepted.complete(listener.accept());
                } catch (Throwable t) {
                    accepted.completeExceptionally(t);
                }
            });
            Blocked.awaitInside(acceptor, UnixListener.class, "accept");
            listener.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> accepted.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof AsynchronousCloseException, e.getCause().toString());
            acceptor.join(10_000);
            assertFalse(acceptor.isAlive());
        } finally {
            listener.close();
        }
        assertThrows(ClosedChannelException.class, listener::accept);
    }
}
