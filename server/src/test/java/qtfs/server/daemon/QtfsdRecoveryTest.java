package qtfs.server.daemon;

import static org.junit.jupiter.api.Assertions.*;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import qtfs.fuse.proto.Opcode;
import qtfs.sys.Errno;
import qtfs.wire.Failure;
import qtfs.wire.FrameType;
import qtfs.wire.FuseFrames;
import qtfs.wire.Ping;

/** A client that comes back after its link dropped, one that never does, and one that stops answering. */
@Timeout(60)
class QtfsdRecoveryTest {
    private static final int O_RDWR = 02, O_CREAT = 0100, O_EXCL = 0200;
    /** sizeof(struct fuse_entry_out): the fuse_open_out of a CREATE reply follows it. */
    private static final int ENTRY_OUT_SIZE = 128;

    private DaemonFixture f;
    private RawClient first;
    private RawClient second;

    @BeforeEach
    void setUp() throws IOException {
        f = new DaemonFixture();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (first != null) first.close();
        if (second != null) second.close();
        f.close();
    }

    private static ByteBuffer create(long unique, String name) {
        byte[] n = RawClient.name(name);
        ByteBuffer b = ByteBuffer.allocate(16 + n.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(O_RDWR | O_CREAT | O_EXCL).putInt(0100644).putInt(0).putInt(0).put(n);
        return RawClient.fuse(Opcode.CREATE.code, unique, 1, b.array());
    }

    private static ByteBuffer write(long unique, long node, long fh, long offset, String data) {
        byte[] d = data.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(40 + d.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(fh).putLong(offset).putInt(d.length).putInt(0).putLong(0).putInt(0).putInt(0).put(d);
        return RawClient.fuse(Opcode.WRITE.code, unique, node, b.array());
    }

    /** Descriptors of this process (which runs qtfsd) open on files of the export. */
    private long exportFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).startsWith(f.export);
                } catch (IOException e) {
                    return false; // closed while listing
                }
            }).count();
        }
    }

    @Test
    void aClientThatAttachesAgainWithinTheGracePeriodKeepsItsNodesAndHandles() throws Exception {
        f.liveness = new Liveness(Duration.ZERO, Duration.ofSeconds(30));
        f.start();
        first = RawClient.attached(f.socket, f.export.toString());
        ByteBuffer created = first.call(create(10, "kept.txt"));
        assertEquals(0, RawClient.error(created));
        long node = created.getLong(FuseFrames.OUT_HEADER_SIZE);
        long fh = created.getLong(FuseFrames.OUT_HEADER_SIZE + ENTRY_OUT_SIZE);
        long token = first.token;
        first.close();

        second = RawClient.connect(f.socket);
        assertEquals(FrameType.ATTACHED, second.attach(token, f.export.toString()).type(), "the session waits for its client");
        assertEquals(0, RawClient.error(second.call(write(12, node, fh, 0, "still open"))));
        assertEquals("still open", Files.readString(f.export.resolve("kept.txt")));
        assertEquals(1, f.daemon.sessionCount());
    }

    @Test
    void aResentRequestThatAlreadyRanGetsItsFirstAnswer() throws Exception {
        f.liveness = new Liveness(Duration.ZERO, Duration.ofSeconds(30));
        f.start();
        first = RawClient.attached(f.socket, f.export.toString());
        ByteBuffer created = first.call(create(20, "once.txt"));
        assertEquals(0, RawClient.error(created));
        long token = first.token;
        first.close();

        second = RawClient.connect(f.socket);
        second.attach(token, f.export.toString());
        ByteBuffer again = second.call(create(20, "once.txt"));
        assertEquals(0, RawClient.error(again), "an O_EXCL create sent again after a lost reply is not EEXIST");
        assertEquals(created.getLong(FuseFrames.OUT_HEADER_SIZE + ENTRY_OUT_SIZE), again.getLong(FuseFrames.OUT_HEADER_SIZE + ENTRY_OUT_SIZE),
                "the same handle, not a second one");
        assertEquals(-Errno.EEXIST, RawClient.error(second.call(create(22, "once.txt"))), "a new request is served anew");
    }

    @Test
    void afterTheGracePeriodEverythingTheClientHeldIsReleased() throws Exception {
        long baseline = exportFds();
        f.liveness = new Liveness(Duration.ZERO, Duration.ofMillis(500));
        f.start();
        first = RawClient.attached(f.socket, f.export.toString());
        assertEquals(0, RawClient.error(first.call(create(30, "held.txt"))));
        assertTrue(exportFds() > baseline, "the open file holds a descriptor");
        long token = first.token;
        first.close();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (f.daemon.sessionCount() != 0 || exportFds() != baseline) {
            assertTrue(System.nanoTime() < deadline, "the session's descriptors were not released after its grace period");
            Thread.sleep(50);
        }
        second = RawClient.connect(f.socket);
        RawClient.Reply r = second.attach(token, f.export.toString());
        assertEquals(FrameType.ERROR, r.type());
        assertEquals(Errno.ESTALE, Failure.decode(r.payload(), FrameType.ERROR).errno());
    }

    @Test
    void aClientThatStopsAnsweringIsPingedThenDisconnected() throws Exception {
        f.liveness = new Liveness(Duration.ofMillis(200), Duration.ZERO);
        f.start();
        first = RawClient.attached(f.socket, f.export.toString());
        RawClient.Reply ping = first.next();
        assertEquals(FrameType.PING, ping.type(), "an idle connection is pinged");
        // no PONG: after three silent intervals the server gives up on the client
        assertThrows(EOFException.class, () -> {
            while (true) assertEquals(FrameType.PING, first.next().type());
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (f.daemon.sessionCount() != 0) {
            assertTrue(System.nanoTime() < deadline, "the silent client's session did not end");
            Thread.sleep(20);
        }
    }

    @Test
    void aClientThatAnswersPingsStaysConnected() throws Exception {
        f.liveness = new Liveness(Duration.ofMillis(100), Duration.ZERO);
        f.start();
        first = RawClient.attached(f.socket, f.export.toString());
        for (int i = 0; i < 10; i++) {
            RawClient.Reply ping = first.next();
            assertEquals(FrameType.PING, ping.type());
            first.frame(FrameType.PONG, 0, ping.header().requestId(), Ping.decode(ping.payload(), FrameType.PING).encode());
        }
        first.send(QtfsdAttachTest.getattrRoot(40));
        RawClient.Reply r = first.next();
        while (r.type() == FrameType.PING) r = first.next();
        assertEquals(FrameType.FUSE_REPLY, r.type());
        assertEquals(0, RawClient.error(r.payload()), "ten heartbeats later the link still serves");
    }
}
