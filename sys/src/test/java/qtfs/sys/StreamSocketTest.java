package qtfs.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stream I/O under {@link VsockChannel}, on a real unix socket pair (vsock cannot connect on these machines). */
class StreamSocketTest {
    private StreamSocket a;
    private StreamSocket b;

    @BeforeEach
    void pair() throws Exception {
        int[] fds = FdPassing.socketPair(FdPassing.SOCK_STREAM);
        a = new StreamSocket(fds[0], "pair:a");
        b = new StreamSocket(fds[1], "pair:b");
    }

    @AfterEach
    void closeBoth() {
        a.close();
        b.close();
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] readFully(StreamSocket s, int size, boolean direct) throws Exception {
        ByteBuffer in = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
        while (in.hasRemaining()) {
            if (s.read(in) < 0) throw new AssertionError("end of stream after " + in.position() + " bytes");
        }
        byte[] out = new byte[size];
        in.flip().get(out);
        return out;
    }

    @Test
    void directAndHeapBuffersCarryTheSameBytes() throws Exception {
        byte[] data = random(100_000, 1);
        CompletableFuture<byte[]> heapRead = CompletableFuture.supplyAsync(() -> {
            try {
                return readFully(b, data.length, false);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
        assertEquals(data.length, a.write(direct));
        assertFalse(direct.hasRemaining());
        assertArrayEquals(data, heapRead.get(10, TimeUnit.SECONDS));

        ByteBuffer heap = ByteBuffer.wrap(data);
        CompletableFuture<byte[]> directRead = CompletableFuture.supplyAsync(() -> {
            try {
                return readFully(a, data.length, true);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertEquals(data.length, b.write(heap));
        assertArrayEquals(data, directRead.get(10, TimeUnit.SECONDS));
    }

    @Test
    void gatheringWriteSendsEveryBufferInOrderWhateverItsKind() throws Exception {
        byte[] one = random(24, 2), two = random(3 << 20, 3), three = random(5000, 4);
        for (boolean mixed : new boolean[] {false, true}) {
            ByteBuffer[] parts = {
                ByteBuffer.allocateDirect(one.length).put(one).flip(),
                ByteBuffer.allocateDirect(0),
                ByteBuffer.allocateDirect(two.length).put(two).flip().asReadOnlyBuffer(),
                mixed ? ByteBuffer.wrap(three) : ByteBuffer.allocateDirect(three.length).put(three).flip(),
            };
            int total = one.length + two.length + three.length;
            CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return readFully(b, total, true);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertEquals(total, a.write(parts, 0, parts.length));
            for (ByteBuffer p : parts) assertFalse(p.hasRemaining());
            byte[] got = read.get(10, TimeUnit.SECONDS);
            ByteBuffer expected = ByteBuffer.allocate(total).put(one).put(two).put(three);
            assertArrayEquals(expected.array(), got, "mixed=" + mixed);
        }
    }

    @Test
    void scatteringReadFillsBuffersInOrder() throws Exception {
        byte[] data = random(48, 5);
        a.write(ByteBuffer.wrap(data));
        ByteBuffer first = ByteBuffer.allocateDirect(16), second = ByteBuffer.allocateDirect(64);
        ByteBuffer[] dsts = {first, second};
        long got = 0;
        while (got < data.length) got += b.read(dsts, 0, 2);
        assertEquals(data.length, got);
        byte[] out = new byte[data.length];
        first.flip().get(out, 0, 16);
        second.flip().get(out, 16, 32);
        assertArrayEquals(data, out);
    }

    @Test
    void shutdownOutputIsEndOfStreamForThePeerOnly() throws Exception {
        a.write(ByteBuffer.wrap(new byte[] {7}));
        a.shutdownOutput();
        ByteBuffer in = ByteBuffer.allocate(10);
        assertEquals(1, b.read(in));
        assertEquals(-1, b.read(in));
        // the other direction still works
        b.write(ByteBuffer.wrap(new byte[] {8, 9}));
        assertArrayEquals(new byte[] {8, 9}, readFully(a, 2, false));
    }

    @Test
    void closeEndsABlockedRead() throws Exception {
        CompletableFuture<Integer> read = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                read.complete(a.read(ByteBuffer.allocateDirect(10)));
            } catch (Throwable t) {
                read.completeExceptionally(t);
            }
        });
        Blocked.awaitInside(reader, StreamSocket.class, "receive");
        a.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> read.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof AsynchronousCloseException, e.getCause().toString());
        reader.join(10_000);
        assertFalse(a.isOpen());
        assertThrows(ClosedChannelException.class, () -> a.read(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, () -> a.write(ByteBuffer.allocate(1)));
        // the peer sees the end
        assertEquals(-1, b.read(ByteBuffer.allocate(1)));
    }

    @Test
    void closeEndsAWriteBlockedOnAFullSocket() throws Exception {
        CompletableFuture<Integer> write = new CompletableFuture<>();
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                // far more than the socket buffers hold, and nobody reads
                write.complete(a.write(ByteBuffer.allocateDirect(64 << 20)));
            } catch (Throwable t) {
                write.completeExceptionally(t);
            }
        });
        Blocked.awaitInside(writer, StreamSocket.class, "sendAll");
        a.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> write.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof AsynchronousCloseException, e.getCause().toString());
        writer.join(10_000);
    }

    @Test
    void writingToAClosedPeerNamesTheSocketAndTheErrno() throws Exception {
        b.close();
        ErrnoException e = assertThrows(ErrnoException.class, () -> {
            for (int i = 0; i < 100; i++) a.write(ByteBuffer.allocateDirect(1 << 16));
        });
        assertEquals(Errno.EPIPE, e.errno());
        assertEquals("write pair:a: Broken pipe (EPIPE)", e.getMessage());
    }
}
