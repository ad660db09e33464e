package qtfs.transport;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qtfs.wire.FrameHeader;
import qtfs.wire.FrameType;
import qtfs.wire.ProtocolException;

class ConnectionTest {
    private static final int MAX = FrameHeader.DEFAULT_MAX_FRAME_SIZE;
    private TempDir dir;

    @BeforeEach
    void setUp() throws Exception {
        dir = new TempDir();
    }

    @AfterEach
    void tearDown() throws Exception {
        dir.close();
    }

    private Pair unixPair(int max) throws Exception {
        return Pair.open(new Address.Unix(dir.resolve("s.sock")), max);
    }

    private static ByteBuffer pattern(int size, int seed) {
        ByteBuffer b = ByteBuffer.allocate(size);
        for (int i = 0; i < size; i++) b.put((byte) (i * 31 + seed));
        return b.flip();
    }

    @Test
    void framesOfEverySizeArriveIntact() throws Exception {
        try (Pair p = unixPair(MAX)) {
            int[] sizes = {0, 1, 8, 4096, 300_000, MAX - FrameHeader.SIZE, 17};
            ExecutorService sender = Executors.newSingleThreadExecutor();
            try {
                Future<?> sent = sender.submit(() -> {
                    for (int i = 0; i < sizes.length; i++) p.client.send(FrameType.PING, i, 1000 + i, pattern(sizes[i], i));
                    return null;
                });
                for (int i = 0; i < sizes.length; i++) {
                    Frame f = p.server.receive();
                    assertEquals(FrameType.PING, f.header().type());
                    assertEquals(i, f.header().channel());
                    assertEquals(1000 + i, f.header().requestId());
                    assertEquals(pattern(sizes[i], i), f.payload(), "payload of frame " + i);
                    assertEquals(ByteOrder.LITTLE_ENDIAN, f.payload().order());
                }
                sent.get();
            } finally {
                sender.shutdownNow();
            }
        }
    }

    @Test
    void gatheredPayloadPartsFormOneFrame() throws Exception {
        try (Pair p = unixPair(MAX)) {
            p.client.send(FrameType.FUSE_REPLY, 3, 9, pattern(10, 1), ByteBuffer.allocate(0), pattern(5, 2));
            Frame f = p.server.receive();
            assertEquals(FrameHeader.SIZE + 15, f.header().length());
            ByteBuffer expected = ByteBuffer.allocate(15).put(pattern(10, 1)).put(pattern(5, 2)).flip();
            assertEquals(expected, f.payload());
        }
    }

    @Test
    void concurrentSendersNeverInterleaveFrames() throws Exception {
        try (Pair p = unixPair(MAX)) {
            int threads = 8, perThread = 200;
            ExecutorService senders = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(senders.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            int size = (i * 7919 + thread * 104729) % 70_000;
                            p.client.send(FrameType.FUSE_REPLY, thread, i, pattern(size, thread + i));
                        }
                        return null;
                    }));
                }
                Set<Long> seen = new HashSet<>();
                for (int n = 0; n < threads * perThread; n++) {
                    Frame f = p.server.receive();
                    int thread = f.header().channel();
                    int i = (int) f.header().requestId();
                    int size = (i * 7919 + thread * 104729) % 70_000;
                    assertEquals(pattern(size, thread + i), f.payload());
                    assertTrue(seen.add(((long) thread << 32) | i));
                }
                for (Future<?> d : done) d.get();
            } finally {
                senders.shutdownNow();
            }
        }
    }

    @Test
    void aFrameOverTheMaximumIsRejectedBeforeItsPayloadIsRead() throws Exception {
        try (Pair p = unixPair(4096)) {
            ByteBuffer header = ByteBuffer.allocate(FrameHeader.SIZE);
            FrameHeader.of(FrameType.PING, 0, 0, 100_000).encode(header);
            p.client.channel().write(header.flip());
            var e = assertThrows(ProtocolException.class, p.server::receive);
            assertEquals("frame of 100024 bytes exceeds the maximum frame size of 4096 bytes", e.getMessage());
        }
    }

    @Test
    void sendingAFrameOverTheMaximumFailsWithoutSendingAnything() throws Exception {
        try (Pair p = unixPair(4096)) {
            var e = assertThrows(ProtocolException.class, () -> p.client.send(FrameType.FUSE_REPLY, 0, 0, ByteBuffer.allocate(4073)));
            assertTrue(e.getMessage().startsWith("cannot send a FUSE_REPLY frame of 4097 bytes to unix:"), e.getMessage());
            assertTrue(e.getMessage().endsWith(": the maximum frame size is 4096 bytes"), e.getMessage());
            p.client.send(FrameType.PING, 0, 5, ByteBuffer.allocate(4072));
            assertEquals(5, p.server.receive().header().requestId(), "the connection is still in step");
        }
    }

    @Test
    void aTruncatedFrameIsAProtocolErrorAndACleanCloseIsNot() throws Exception {
        try (Pair p = unixPair(MAX)) {
            // one whole PING, then 10 bytes of the next frame's header
            ByteBuffer bytes = ByteBuffer.allocate(FrameHeader.SIZE + 8 + 10);
            FrameHeader.of(FrameType.PING, 0, 0, 8).encode(bytes);
            bytes.put(new byte[8]).put(new byte[10]).flip();
            p.client.channel().write(bytes);
            p.client.close();
            assertEquals(FrameType.PING, p.server.receive().header().type());
            var e = assertThrows(ProtocolException.class, p.server::receive);
            assertTrue(e.getMessage().startsWith("truncated frame: unix:"), e.getMessage());
            assertTrue(e.getMessage().endsWith(" closed the connection after 10 of 24 bytes of a frame"), e.getMessage());
        }
        try (Pair p = unixPair(MAX)) {
            p.client.send(FrameType.PING, 0, 0, ByteBuffer.allocate(8));
            p.client.close();
            p.server.receive();
            assertThrows(PeerClosedException.class, p.server::receive);
        }
    }

    @Test
    void aPayloadCutShortIsATruncatedFrame() throws Exception {
        try (Pair p = unixPair(MAX)) {
            ByteBuffer bytes = ByteBuffer.allocate(FrameHeader.SIZE + 100);
            FrameHeader.of(FrameType.FUSE_REPLY, 0, 0, 1000).encode(bytes);
            p.client.channel().write(bytes.put(new byte[100]).flip());
            p.client.close();
            var e = assertThrows(ProtocolException.class, p.server::receive);
            assertTrue(e.getMessage().endsWith(" closed the connection after 124 of 1024 bytes of a frame"), e.getMessage());
        }
    }

    @Test
    void tcpConnectionsHaveNagleOffAtBothEnds() throws Exception {
        try (Pair p = Pair.open(new Address.Tcp("127.0.0.1", 0), MAX)) {
            assertTrue(socket(p.client).getOption(StandardSocketOptions.TCP_NODELAY), "client TCP_NODELAY");
            assertTrue(socket(p.server).getOption(StandardSocketOptions.TCP_NODELAY), "server TCP_NODELAY");
            assertTrue(p.server.peer().startsWith("tcp:127.0.0.1:"), p.server.peer());
            assertEquals("unauthenticated", p.server.identity());
            p.client.send(FrameType.PING, 0, 1, ByteBuffer.allocate(8));
            assertEquals(1, p.server.receive().header().requestId());
        }
    }

    @Test
    void unixConnectionsGetLargeBuffersAndNameTheirPeer() throws Exception {
        try (Pair p = unixPair(MAX)) {
            assertTrue(socket(p.client).getOption(StandardSocketOptions.SO_SNDBUF) >= 1 << 20);
            assertTrue(((qtfs.sys.UnixChannel) ((ChannelLink<?>) p.server.channel()).channel()).receiveBufferSize() >= 1 << 20);
            assertEquals("unix:" + dir.resolve("s.sock") + " (uid 0 gid 0 pid " + ProcessHandle.current().pid() + ")", p.server.peer());
            assertEquals("uid 0", p.server.identity());
            assertEquals("unix:" + dir.resolve("s.sock"), p.client.peer());
        }
    }

    static java.nio.channels.SocketChannel socket(Connection c) {
        return ((ChannelLink<?>) c.channel()).socket();
    }

    @Test
    void aSenderBlockedByAPeerThatDoesNotReadShowsAsStalledUntilClosed() throws Exception {
        try (Pair p = unixPair(MAX)) {
            assertEquals(0, p.server.sendStalledNanos(System.nanoTime()), "nothing is being sent");
            ExecutorService sender = Executors.newSingleThreadExecutor();
            try {
                // the client never reads: the socket buffers fill and a send blocks
                Future<?> flood = sender.submit(() -> {
                    ByteBuffer big = ByteBuffer.allocate(MAX - FrameHeader.SIZE);
                    while (true) p.server.send(FrameType.PONG, 0, 1, big.clear());
                });
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (p.server.sendStalledNanos(System.nanoTime()) < TimeUnit.MILLISECONDS.toNanos(200)) {
                    assertFalse(flood.isDone(), "the flood ended early");
                    assertTrue(System.nanoTime() < deadline, "no send ever blocked");
                    Thread.sleep(10);
                }
                p.server.close();
                ExecutionException ended = assertThrows(ExecutionException.class, () -> flood.get(10, TimeUnit.SECONDS));
                assertInstanceOf(IOException.class, ended.getCause());
                assertEquals(0, p.server.sendStalledNanos(System.nanoTime()));
            } finally {
                sender.shutdownNow();
            }
        }
    }
}
