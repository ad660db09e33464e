package qtfs.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A listening AF_VSOCK stream socket. {@link #accept} blocks until a peer connects and says
 * who it is (CID and port); {@link #close} from another thread ends a blocked accept with an
 * {@link java.nio.channels.AsynchronousCloseException}.
 */
public final class VsockListener implements AutoCloseable {
    public static final int DEFAULT_BACKLOG = 128;

    private final ListeningSocket socket;
    private final VsockAddress address;

    private VsockListener(ListeningSocket socket, VsockAddress address) {
        this.socket = socket;
        this.address = address;
    }

    /**
     * Binds to {@code address} ({@link Vsock#VMADDR_CID_ANY} for every local CID,
     * {@link Vsock#VMADDR_PORT_ANY} for a port the kernel picks) and listens. Errors name the
     * address: {@code "bind vsock:any:12345: Address already in use (EADDRINUSE)"}.
     */
    public static VsockListener bind(VsockAddress address, int backlog) throws ErrnoException {
        String name = address.toString();
        int fd = Vsock.openSocket(address, SocketCalls.SOCK_NONBLOCK);
        try (Arena arena = Arena.ofConfined()) {
            Libc.check(SocketCalls.bind(fd, address.toSockaddr(arena)), "bind", name);
            Libc.check(SocketCalls.listen(fd, backlog), "listen", name);
            VsockAddress bound = Vsock.localAddress(fd, name);
            return new VsockListener(ListeningSocket.of(fd, bound.toString()), bound);
        } catch (ErrnoException | RuntimeException e) {
            FileIo.closeQuietly(fd);
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
        int fd = socket.enter();
        try {
            return Vsock.bufferSize(fd, address.toString());
        } finally {
            socket.leave();
        }
    }

    /** Waits for the next connection; its {@link VsockChannel#remoteAddress()} is the peer's CID and port. */
    public VsockChannel accept() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment peer = arena.allocate(VsockAddress.SOCKADDR_SIZE, 4);
            int child = socket.accept(peer);
            return new VsockChannel(child, VsockAddress.fromSockaddr(peer));
        }
    }

    public boolean isOpen() {
        return socket.isOpen();
    }

    /** Stops listening; a thread blocked in {@link #accept} gets an exception. */
    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return address.toString();
    }
}
