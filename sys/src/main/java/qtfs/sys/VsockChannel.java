package qtfs.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

/**
 * A connected AF_VSOCK stream socket. Errors name the peer:
 * {@code "connect vsock:3:12345: No such device (ENODEV)"}.
 */
public final class VsockChannel extends StreamSocketChannel {
    /** The kernel's connect timeout is a struct timeval of seconds below about MAX_SCHEDULE_TIMEOUT / HZ. */
    private static final Duration LONGEST_CONNECT_TIMEOUT = Duration.ofDays(1);

    private final VsockAddress remote;

    VsockChannel(int fd, VsockAddress remote) {
        super(fd, remote.toString());
        this.remote = remote;
    }

    /**
     * Connects to {@code address}, giving up after {@code timeout} with ETIMEDOUT. A CID that
     * nothing routes to fails at once (ENODEV, ENETUNREACH) or after the timeout, depending on
     * the kernel's transports.
     */
    public static VsockChannel connect(VsockAddress address, Duration timeout) throws ErrnoException {
        if (address.isAnyCid()) {
            throw new IllegalArgumentException("cannot connect to " + address + ": name the server's CID, e.g. vsock:"
                    + Vsock.VMADDR_CID_HOST + ":" + Integer.toUnsignedString(address.port()));
        }
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("connect timeout must be positive, not " + timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        int fd = Vsock.openSocket(address, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sockaddr = address.toSockaddr(arena);
            while (true) {
                // vsock applies its own connect timeout (2 s by default) to blocking connects: make it ours
                Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000));
                setConnectTimeout(fd, address, left);
                if (SocketCalls.connect(fd, sockaddr) == 0) break;
                int errno = Libc.lastErrno();
                // an interrupted vsock connect is abandoned by the kernel: it can be started again
                if (errno == Errno.EINTR && System.nanoTime() < deadline) continue;
                throw new ErrnoException("connect", errno, address.toString());
            }
            return new VsockChannel(fd, address);
        } catch (ErrnoException | RuntimeException e) {
            FileIo.closeQuietly(fd);
            throw e;
        }
    }

    private static void setConnectTimeout(int fd, VsockAddress address, Duration timeout) throws ErrnoException {
        Duration t = timeout.compareTo(LONGEST_CONNECT_TIMEOUT) > 0 ? LONGEST_CONNECT_TIMEOUT : timeout;
        try (Arena arena = Arena.ofConfined()) {
            // struct timeval on LP64: long tv_sec, long tv_usec
            MemorySegment tv = arena.allocate(16, 8);
            tv.set(ValueLayout.JAVA_LONG, 0, t.toSeconds());
            tv.set(ValueLayout.JAVA_LONG, 8, t.toNanosPart() / 1000);
            Libc.check(SocketCalls.setsockopt(fd, Vsock.AF_VSOCK, Vsock.SO_VM_SOCKETS_CONNECT_TIMEOUT, tv),
                    "setsockopt(SO_VM_SOCKETS_CONNECT_TIMEOUT)", address.toString());
        }
    }

    /** The peer: the server connected to, or the client an accepted connection came from. */
    public VsockAddress remoteAddress() {
        return remote;
    }

    /** This end's CID and port (for a client, the port the kernel chose). */
    public VsockAddress localAddress() throws IOException {
        socket.enter();
        try {
            return Vsock.localAddress(socket.fd(), remote.toString());
        } finally {
            socket.leave();
        }
    }

    /** The socket's receive buffer size in bytes (SO_VM_SOCKETS_BUFFER_SIZE). */
    long bufferSize() throws IOException {
        socket.enter();
        try {
            return Vsock.bufferSize(socket.fd(), remote.toString());
        } finally {
            socket.leave();
        }
    }

    @Override
    public String toString() {
        return remote.toString();
    }
}
