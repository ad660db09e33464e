package qtfs.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A bound, listening, non-blocking socket descriptor whose blocked accept can be ended by
 * {@link #close} from another thread. A listening socket cannot be woken by shutdown(2) on
 * every family (vsock ignores it), so accept waits in poll(2) on the socket and on an
 * eventfd that close signals. Owns both descriptors.
 */
final class ListeningSocket {
    private final int fd;
    private final int wakeFd;
    private final String name;
    private final FdLifetime lifetime;

    private ListeningSocket(int fd, int wakeFd, String name) {
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.name = name;
        this.lifetime = new FdLifetime(this::wake, () -> {
            FileIo.closeQuietly(fd);
            FileIo.closeQuietly(wakeFd);
        });
    }

    /**
     * Takes over {@code fd} (already bound, listening and non-blocking: losing a race for a
     * connection to another acceptor must mean polling again). {@code name} is the address in
     * error messages. On failure {@code fd} stays the caller's to close.
     */
    static ListeningSocket of(int fd, String name) throws ErrnoException {
        int wakeFd = Libc.check(SocketCalls.eventfd(0, SocketCalls.EFD_CLOEXEC | SocketCalls.EFD_NONBLOCK), "eventfd", name);
        return new ListeningSocket(fd, wakeFd, name);
    }

    /** Enters a call on the descriptor (getsockopt and the like); pair with {@link #leave}. */
    int enter() throws IOException {
        lifetime.enter();
        return fd;
    }

    void leave() {
        lifetime.leave();
    }

    /**
     * Waits for the next connection and returns its descriptor (blocking, close-on-exec). The
     * peer's address is written to {@code peer}, whose size is the room the kernel may use.
     */
    int accept(MemorySegment peer) throws IOException {
        lifetime.enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfds = arena.allocate(2 * SocketCalls.POLLFD_SIZE, 4);
            MemorySegment peerLength = arena.allocate(ValueLayout.JAVA_INT);
            while (true) {
                lifetime.checkNotClosed();
                pollfds.fill((byte) 0);
                pollfds.set(ValueLayout.JAVA_INT, 0, fd);
                pollfds.set(ValueLayout.JAVA_SHORT, SocketCalls.POLLFD_EVENTS, (short) SocketCalls.POLLIN);
                pollfds.set(ValueLayout.JAVA_INT, SocketCalls.POLLFD_SIZE, wakeFd);
                pollfds.set(ValueLayout.JAVA_SHORT, SocketCalls.POLLFD_SIZE + SocketCalls.POLLFD_EVENTS, (short) SocketCalls.POLLIN);
                if (SocketCalls.poll(pollfds, 2, -1) == -1) {
                    int errno = Libc.lastErrno();
                    if (errno == Errno.EINTR) continue;
                    throw new ErrnoException("poll", errno, name);
                }
                lifetime.checkNotClosed();
                peerLength.set(ValueLayout.JAVA_INT, 0, (int) peer.byteSize());
                int child = SocketCalls.accept4(fd, peer, peerLength, SocketCalls.SOCK_CLOEXEC);
                if (child >= 0) return child;
                int errno = Libc.lastErrno();
                // another acceptor took it, a signal came, or the peer gave up before we got to it
                if (errno == Errno.EAGAIN || errno == Errno.EINTR || errno == Errno.ECONNABORTED) continue;
                throw new ErrnoException("accept", errno, name);
            }
        } finally {
            lifetime.leave();
        }
    }

    private void wake() {
        try (Arena arena = Arena.ofConfined()) {
            FileIo.write(wakeFd, arena.allocateFrom(ValueLayout.JAVA_LONG, 1L), Long.BYTES);
        } catch (ErrnoException e) {
            // only an overflowing counter fails, and then the eventfd is readable anyway
        }
    }

    boolean isOpen() {
        return lifetime.isOpen();
    }

    void close() {
        lifetime.close();
    }
}
