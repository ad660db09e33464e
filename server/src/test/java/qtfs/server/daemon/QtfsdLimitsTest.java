package qtfs.server.daemon;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import qtfs.fuse.proto.Opcode;
import qtfs.server.daemon.QtfsdLockWaitTest.Opened;
import qtfs.sys.Errno;
import qtfs.wire.FrameHeader;
import qtfs.wire.FrameType;
import qtfs.wire.FuseFrames;

/**
 * The limits of what one client may hold: open handles per mount (EMFILE beyond, logged
 * naming the client), requests in flight and their memory per connection (the server stops
 * reading that connection, logs it, and goes on once answers went out). Other clients are
 * served all along.
 */
@Timeout(120)
class QtfsdLimitsTest {
    private static final int F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2, O_RDWR = 2;
    private DaemonFixture f;
    private LogCapture log;

    @BeforeEach
    void setUp() throws IOException {
        f = new DaemonFixture();
        Files.writeString(f.export.resolve("file"), "contents");
        log = new LogCapture();
    }

    @AfterEach
    void tearDown() throws IOException {
        log.close();
        f.close();
    }

    private void start(ClientLimits limits) throws QtfsdException {
        f.start(new QtfsdConfig(List.of(f.socket), f.whitelist, 2, 16, FrameHeader.DEFAULT_MAX_FRAME_SIZE, f.runDir,
                qtfs.transport.AcceptPolicy.defaults(), limits));
    }

    private static long lookup(RawClient c, long unique) throws IOException {
        ByteBuffer entry = c.call(RawClient.fuse(Opcode.LOOKUP.code, unique, 1, RawClient.name("file")));
        assertEquals(0, RawClient.error(entry));
        return entry.getLong(FuseFrames.OUT_HEADER_SIZE);
    }

    private static ByteBuffer open(long unique, long node) {
        ByteBuffer body = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(O_RDWR).putInt(0);
        return RawClient.fuse(Opcode.OPEN.code, unique, node, body.array());
    }

    private static Opened opened(RawClient c, long unique, long node) throws IOException {
        ByteBuffer reply = c.call(open(unique, node));
        assertEquals(0, RawClient.error(reply));
        return new Opened(node, reply.getLong(FuseFrames.OUT_HEADER_SIZE));
    }

    private static ByteBuffer release(long unique, Opened file) {
        ByteBuffer body = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(file.fh()).putInt(O_RDWR);
        return RawClient.fuse(Opcode.RELEASE.code, unique, file.node(), body.array());
    }

    @Test
    void anOpenBeyondTheHandleLimitFailsWithEmfileIsLoggedAndOtherMountsGoOn() throws Exception {
        start(new ClientLimits(2, ClientLimits.DEFAULT_REQUESTS_IN_FLIGHT, ClientLimits.DEFAULT_CONNECTION_MEMORY));
        try (RawClient greedy = RawClient.attached(f.socket, f.export.toString());
             RawClient other = RawClient.attached(f.socket, f.export.toString())) {
            long node = lookup(greedy, 2);
            Opened first = opened(greedy, 4, node);
            opened(greedy, 6, node);
            assertEquals(-Errno.EMFILE, RawClient.error(greedy.call(open(8, node))), "the third open of a mount limited to two");
            String line = log.await(l -> l.contains("max-open-files"), "about the open-files limit");
            assertTrue(line.startsWith("WARNING ") && line.contains("client 'raw test client'") && line.contains("2 open files and directories")
                    && line.contains("EMFILE"), line);

            opened(other, 2, lookup(other, 4));
            assertEquals(0, RawClient.error(greedy.call(release(10, first))));
            opened(greedy, 12, node);
        }
    }

    /** Requests of one connection answered in any order: their uniques. */
    private static Set<Long> replies(RawClient c, int n) throws IOException {
        Set<Long> uniques = new HashSet<>();
        for (int i = 0; i < n; i++) {
            RawClient.Reply r = c.nextFuseReply();
            assertEquals(FrameType.FUSE_REPLY, r.type());
            assertEquals(0, RawClient.error(r.payload()), "reply to " + r.payload().getLong(8));
            uniques.add(r.payload().getLong(8));
        }
        return uniques;
    }

    /**
     * Shared lock requests wait for the holder's exclusive lock, each held in flight; the one
     * beyond the limit stops the reader, and the GETATTR after it waits too. Once the holder
     * lets go, everything is answered.
     */
    private void waitersBeyondTheLimit(int waiters, String expectedLimit) throws Exception {
        try (RawClient holder = RawClient.attached(f.socket, f.export.toString());
             RawClient waiter = RawClient.attached(f.socket, f.export.toString())) {
            Opened held = opened(holder, 4, lookup(holder, 2));
            Opened wanted = opened(waiter, 4, lookup(waiter, 2));
            assertEquals(0, RawClient.error(holder.call(QtfsdLockWaitTest.lock(Opcode.SETLK, 6, held, 1, F_WRLCK))));
            Set<Long> sent = new HashSet<>();
            for (int i = 0; i < waiters; i++) {
                long unique = 100 + 2L * i;
                waiter.send(QtfsdLockWaitTest.lock(Opcode.SETLKW, unique, wanted, 10 + i, F_RDLCK));
                sent.add(unique);
            }
            waiter.send(QtfsdAttachTest.getattrRoot(200));
            sent.add(200L);
            String line = log.await(l -> l.contains(expectedLimit), "about " + expectedLimit);
            assertTrue(line.startsWith("WARNING ") && line.contains("client 'raw test client'") && line.contains("reading no more of its requests"), line);

            try (RawClient other = RawClient.attached(f.socket, f.export.toString())) {
                assertEquals(0, RawClient.error(other.call(QtfsdAttachTest.getattrRoot(2))), "another client is served meanwhile");
            }
            assertEquals(0, RawClient.error(holder.call(QtfsdLockWaitTest.lock(Opcode.SETLK, 8, held, 1, F_UNLCK))));
            assertEquals(sent, replies(waiter, sent.size()), "every request answered once the holder let go");
        }
    }

    @Test
    void requestsBeyondTheInFlightLimitWaitUnreadLoggedAndAreServedOnceAnswersGoOut() throws Exception {
        start(new ClientLimits(ClientLimits.DEFAULT_OPEN_FILES, 2, ClientLimits.DEFAULT_CONNECTION_MEMORY));
        waitersBeyondTheLimit(3, "max-in-flight 2");
    }

    @Test
    void requestsBeyondTheConnectionMemoryWaitUnreadLoggedAndAreServedOnceAnswersGoOut() throws Exception {
        // one request buffer's worth: the second request in flight would go beyond
        start(new ClientLimits(ClientLimits.DEFAULT_OPEN_FILES, ClientLimits.DEFAULT_REQUESTS_IN_FLIGHT, ClientLimits.MIN_CONNECTION_MEMORY));
        waitersBeyondTheLimit(2, "max-connection-memory " + ClientLimits.MIN_CONNECTION_MEMORY);
    }

    @Test
    void limitsThatMakeNoSenseAreRefused() {
        assertEquals("max open files must be at least 1, not 0",
                assertThrows(IllegalArgumentException.class, () -> new ClientLimits(0, 1, 1 << 20)).getMessage());
        assertEquals("max requests in flight must be at least 1, not 0",
                assertThrows(IllegalArgumentException.class, () -> new ClientLimits(1, 0, 1 << 20)).getMessage());
        assertEquals("max connection memory must be at least 16384 bytes, not 100",
                assertThrows(IllegalArgumentException.class, () -> new ClientLimits(1, 1, 100)).getMessage());
    }
}
