package qtfs.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A listening AF_VSOCK stream socket. {@link #accept} blocks until a peer connects and says
 * who it is (CID and port); {@link #close} from another thread ends a blocked accept with an
 * {@link java.nio.channels.AsynchronousCloseException}. A listening vsock socket cannot be
 * woken by shutdown(2), so accept waits in poll(2) on the socket and on an eventfd that
 * close signals.
 */
public final class VsockListener implements AutoCloseable {
    public static final int DEFAULT_BACKLOG = 128;

    private final int fd;
    private final int wakeFd;
    private final VsockAddress address;
    private final FdLifetime lifetime;

    private VsockListener(int fd, int wakeFd, VsockAddress address) {
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.address = address;
        this.lifetime = new FdLifetime(this::wake, () -> {
            FileIo.closeQuietly(fd);
            FileIo.closeQuietly(wakeFd);
        });
    }

    /**
     * Binds to {@code address} ({@link Vsock#VMADDR_CID_ANY} for every local CID,
     * {@link Vsock#VMADDR_PORT_ANY} for a port the kernel picks) and listens. Errors name the
     * address: {@code "bind vsock:any:12345: Address already in use (EADDRINUSE)"}.
     */
    public static VsockListener bind(VsockAddress address, int backlog) throws ErrnoException {
        String name = address.toString();
        // non-blocking, so that losing a race for a connection to another acceptor means polling again
        int fd = Vsock.openSocket(address, SocketCalls.SOCK_NONBLOCK);
        int wakeFd = -1;
        try (Arena arena = Arena.ofConfined()) {
            Libc.check(SocketCalls.bind(fd, address.toSockaddr(arena)), "bind", name);
            Libc.check(SocketCalls.listen(fd, backlog), "listen", name);
            wakeFd = Libc.check(SocketCalls.eventfd(0, SocketCalls.EFD_CLOEXEC | SocketCalls.EFD_NONBLOCK), "eventfd");
            return new VsockListener(fd, wakeFd, Vsock.localAddress(fd, name));
        } catch (ErrnoException | RuntimeException e) {
            FileIo.closeQuietly(fd);
            FileIo.closeQuietly(wakeFd);
            throw e;
        }
    }

    public static VsockListener bind(VsockAddress address) throws ErrnoException {
        return bind(address, DEFAULT_BACKLOG);
    }

    /** The bound address, with the port the kernel chose when asked for any. */
    public VsockAddress localAddress() {
        return address;
    }

    /** The receive buffer size accepted connections start with (SO_VM_SOCKETS_BUFFER_SIZE). */
    long bufferSize() throws IOException {
        lifetime.enter();
        try {
            return Vsock.bufferSize(fd, address.toString());
        } finally {
            lifetime.leave();
        }
    }

    /** Waits for the next connection; its {@link VsockChannel#remoteAddress()} is the peer's CID and port. */
    public VsockChannel accept() throws IOException {
        lifetime.enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfds = arena.allocate(2 * SocketCalls.POLLFD_SIZE, 4);
            MemorySegment peer = arena.allocate(VsockAddress.SOCKADDR_SIZE, 4);
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
                    throw new ErrnoException("poll", errno, address.toString());
                }
                lifetime.checkNotClosed();
                peerLength.set(ValueLayout.JAVA_INT, 0, (int) VsockAddress.SOCKADDR_SIZE);
                int child = SocketCalls.accept4(fd, peer, peerLength, SocketCalls.SOCK_CLOEXEC);
                if (child >= 0) return new VsockChannel(child, VsockAddress.fromSockaddr(peer));
                int errno = Libc.lastErrno();
                // another acceptor took it, a signal came, or the peer gave up before we got to it
                if (errno == Errno.EAGAIN || errno == Errno.EINTR || errno == Errno.ECONNABORTED) continue;
                throw new ErrnoException("accept", errno, address.toString());
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

    public boolean isOpen() {
        return lifetime.isOpen();
    }

    /** Stops listening; a thread blocked in {@link #accept} gets an exception. */
    @Override
    public void close() {
        lifetime.close();
    }

    @Override
    public String toString() {
        return address.toString();
    }
}
