package qtfs.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A connection accepted by a {@link UnixListener} that can say who the peer is
 * ({@link #peerCredentials()}).
 */
public final class UnixChannel extends StreamSocketChannel {
    private static final int SO_SNDBUF = 7, SO_RCVBUF = 8, SO_PEERCRED = 17;
    /** struct ucred: pid_t pid, uid_t uid, gid_t gid (the same on x86_64 and aarch64). */
    private static final long UCRED_SIZE = 12;


    UnixChannel(int fd, String name) {
        super(fd, name);
    }

    /** The peer's pid, uid and gid when it connected (SO_PEERCRED). */
    public PeerCredentials peerCredentials() throws IOException {
        socket.enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ucred = arena.allocate(UCRED_SIZE, 4);
            MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, (int) UCRED_SIZE);
            Libc.check(SocketCalls.getsockopt(socket.fd(), SocketCalls.SOL_SOCKET, SO_PEERCRED, ucred, length),
                    "getsockopt(SO_PEERCRED)", socket.name());
            return new PeerCredentials(ucred.get(ValueLayout.JAVA_INT, 0), ucred.get(ValueLayout.JAVA_INT, 4),
                    ucred.get(ValueLayout.JAVA_INT, 8));
        } finally {
            socket.leave();
        }
    }

    /** Asks for send and receive buffers of {@code bytes} each (the kernel caps them at net.core.[wr]mem_max). */
    public void setBufferSizes(int bytes) throws IOException {
        socket.enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocateFrom(ValueLayout.JAVA_INT, bytes);
            Libc.check(SocketCalls.setsockopt(socket.fd(), SocketCalls.SOL_SOCKET, SO_SNDBUF, value), "setsockopt(SO_SNDBUF)", socket.name());
            Libc.check(SocketCalls.setsockopt(socket.fd(), SocketCalls.SOL_SOCKET, SO_RCVBUF, value), "setsockopt(SO_RCVBUF)", socket.name());
        } finally {
            socket.leave();
        }
    }

    /** The receive buffer size in bytes (SO_RCVBUF: twice what was asked, as the kernel counts its overhead). */
    public int receiveBufferSize() throws IOException {
        socket.enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, Integer.BYTES);
            Libc.check(SocketCalls.getsockopt(socket.fd(), SocketCalls.SOL_SOCKET, SO_RCVBUF, value, length),
                    "getsockopt(SO_RCVBUF)", socket.name());
            return value.get(ValueLayout.JAVA_INT, 0);
        } finally {
            socket.leave();
        }
    }
}
