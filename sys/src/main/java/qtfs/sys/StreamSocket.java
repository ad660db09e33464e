package qtfs.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Blocking reads and writes on a connected stream socket descriptor, which it owns. Direct
 * buffers are handed to the kernel as they are (no copy); heap buffers go through a
 * per-thread native buffer. Writes return only once everything was written, as a blocking
 * {@link java.nio.channels.SocketChannel} does. One thread may read while others write;
 * {@link #close} from any thread makes blocked calls end with an
 * {@link java.nio.channels.AsynchronousCloseException}.
 */
final class StreamSocket {
    /** Heap buffers are copied through this much native memory per call. */
    private static final int SCRATCH_SIZE = 64 << 10;
    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(SCRATCH_SIZE, 8));

    private final int fd;
    private final String name;
    private final FdLifetime lifetime;

    /** {@code name} says who the peer is in error messages, e.g. {@code "vsock:3:12345"}. */
    StreamSocket(int fd, String name) {
        this.fd = fd;
        this.name = name;
        this.lifetime = new FdLifetime(() -> SocketCalls.shutdown(fd, SocketCalls.SHUT_RDWR), () -> FileIo.closeQuietly(fd));
    }

    int fd() {
        return fd;
    }

    String name() {
        return name;
    }

    /** Reads what is there (at least one byte, waiting if need be); -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) throw new IllegalArgumentException("cannot read into a read-only buffer");
        if (!dst.hasRemaining()) return 0;
        lifetime.enter();
        try {
            long n;
            if (dst.isDirect()) {
                n = receive(MemorySegment.ofBuffer(dst), dst.remaining());
            } else {
                MemorySegment scratch = SCRATCH.get();
                n = receive(scratch, Math.min(dst.remaining(), SCRATCH_SIZE));
                if (n > 0) MemorySegment.copy(scratch, 0, MemorySegment.ofBuffer(dst), 0, n);
            }
            Reference.reachabilityFence(dst);
            if (n == 0) return -1;
            dst.position(dst.position() + (int) n);
            return (int) n;
        } finally {
            lifetime.leave();
        }
    }

    private long receive(MemorySegment buffer, long length) throws IOException {
        while (true) {
            long n = SocketCalls.recv(fd, buffer, length, 0);
            if (n >= 0) {
                // a close from another thread shuts the socket down, which reads as end of stream
                if (n == 0) lifetime.checkNotClosed();
                return n;
            }
            int errno = Libc.lastErrno();
            if (errno == Errno.EINTR) continue;
            lifetime.checkNotClosed();
            throw new ErrnoException("read", errno, name);
        }
    }

    /** Scattering read: fills the buffers in order with what one receive returns. */
    long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        boolean allDirect = true;
        int first = -1;
        for (int i = offset; i < offset + length; i++) {
            if (dsts[i].isReadOnly()) throw new IllegalArgumentException("cannot read into a read-only buffer");
            if (!dsts[i].hasRemaining()) continue;
            if (first < 0) first = i;
            allDirect &= dsts[i].isDirect();
        }
        if (first < 0) return 0;
        if (!allDirect) return read(dsts[first]);
        lifetime.enter();
        try (Arena arena = Arena.ofConfined()) {
            int count = Math.min(length - (first - offset), SocketCalls.IOV_MAX);
            MemorySegment iov = fillIovecs(arena, dsts, first, count);
            long n;
            while (true) {
                n = SocketCalls.readv(fd, iov, count);
                if (n >= 0) break;
                int errno = Libc.lastErrno();
                if (errno == Errno.EINTR) continue;
                lifetime.checkNotClosed();
                throw new ErrnoException("read", errno, name);
            }
            if (n == 0) {
                lifetime.checkNotClosed();
                return -1;
            }
            advance(dsts, first, count, n);
            return n;
        } finally {
            lifetime.leave();
        }
    }

    /** Writes all of {@code src}, waiting for room as needed. */
    int write(ByteBuffer src) throws IOException {
        int length = src.remaining();
        if (length == 0) return 0;
        lifetime.enter();
        try {
            if (src.isDirect()) {
                sendAll(MemorySegment.ofBuffer(src), length);
            } else {
                MemorySegment scratch = SCRATCH.get();
                MemorySegment source = MemorySegment.ofBuffer(src);
                for (long done = 0; done < length; ) {
                    long chunk = Math.min(length - done, SCRATCH_SIZE);
                    MemorySegment.copy(source, done, scratch, 0, chunk);
                    sendAll(scratch, chunk);
                    done += chunk;
                }
            }
            Reference.reachabilityFence(src);
            src.position(src.position() + length);
            return length;
        } finally {
            lifetime.leave();
        }
    }

    private void sendAll(MemorySegment buffer, long length) throws IOException {
        long done = 0;
        while (done < length) {
            long n = SocketCalls.send(fd, buffer.asSlice(done), length - done, SocketCalls.MSG_NOSIGNAL);
            if (n >= 0) {
                done += n;
                continue;
            }
            int errno = Libc.lastErrno();
            if (errno == Errno.EINTR) continue;
            lifetime.checkNotClosed();
            throw new ErrnoException("write", errno, name);
        }
    }

    /** Gathering write of everything the buffers hold, in order (one system call per round when all are direct). */
    long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        boolean allDirect = true;
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += srcs[i].remaining();
            allDirect &= srcs[i].isDirect() || !srcs[i].hasRemaining();
        }
        if (total == 0) return 0;
        if (!allDirect) {
            for (int i = offset; i < offset + length; i++) write(srcs[i]);
            return total;
        }
        lifetime.enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment msg = arena.allocate(SocketCalls.MSGHDR_SIZE, 8);
            int next = offset;
            int end = offset + length;
            while (next < end) {
                while (next < end && !srcs[next].hasRemaining()) next++;
                if (next == end) break;
                int count = Math.min(end - next, SocketCalls.IOV_MAX);
                MemorySegment iov = fillIovecs(arena, srcs, next, count);
                msg.fill((byte) 0);
                msg.set(ValueLayout.ADDRESS, SocketCalls.MSG_IOV, iov);
                msg.set(ValueLayout.JAVA_LONG, SocketCalls.MSG_IOVLEN, count);
                long n = SocketCalls.sendmsg(fd, msg, SocketCalls.MSG_NOSIGNAL);
                if (n < 0) {
                    int errno = Libc.lastErrno();
                    if (errno == Errno.EINTR) continue;
                    lifetime.checkNotClosed();
                    throw new ErrnoException("write", errno, name);
                }
                advance(srcs, next, count, n);
            }
            return total;
        } finally {
            lifetime.leave();
        }
    }

    /** An iovec array over the remaining bytes of {@code count} direct buffers from {@code first}. */
    private static MemorySegment fillIovecs(Arena arena, ByteBuffer[] buffers, int first, int count) {
        MemorySegment iov = arena.allocate(SocketCalls.IOVEC_SIZE * count, 8);
        for (int i = 0; i < count; i++) {
            ByteBuffer b = buffers[first + i];
            // an empty buffer may be a heap buffer, whose memory the kernel cannot be given
            MemorySegment base = b.hasRemaining() ? MemorySegment.ofBuffer(b) : MemorySegment.NULL;
            iov.set(ValueLayout.ADDRESS, i * SocketCalls.IOVEC_SIZE, base);
            iov.set(ValueLayout.JAVA_LONG, i * SocketCalls.IOVEC_SIZE + 8, b.remaining());
        }
        return iov;
    }

    /** Moves the positions of the buffers past {@code n} bytes that the kernel took or gave. */
    private static void advance(ByteBuffer[] buffers, int first, int count, long n) {
        for (int i = first; i < first + count && n > 0; i++) {
            ByteBuffer b = buffers[i];
            int step = (int) Math.min(b.remaining(), n);
            b.position(b.position() + step);
            n -= step;
        }
        Reference.reachabilityFence(buffers);
    }

    /** The peer reads end of stream after what was sent; reading goes on. */
    void shutdownOutput() throws IOException {
        lifetime.enter();
        try {
            if (SocketCalls.shutdown(fd, SocketCalls.SHUT_WR) == -1) {
                int errno = Libc.lastErrno();
                // the peer is already gone: there is nobody left to tell
                if (errno != Errno.ENOTCONN) throw new ErrnoException("shutdown", errno, name);
            }
        } finally {
            lifetime.leave();
        }
    }

    /** Enters a call on the descriptor, for the owner's own calls (getsockname, setsockopt). */
    void enter() throws IOException {
        lifetime.enter();
    }

    void leave() {
        lifetime.leave();
    }

    boolean isOpen() {
        return lifetime.isOpen();
    }

    void close() {
        lifetime.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
