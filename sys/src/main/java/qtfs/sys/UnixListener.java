package qtfs.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A listening unix stream socket whose accepted connections say who connected
 * ({@link UnixChannel#peerCredentials()}: pid, uid and gid, which the JDK's socket channels do
 * not give). Only binding, listening and accepting are here; the socket file's mode and
 * name are the caller's business. {@link #close} from another thread ends a blocked
 * {@link #accept} with an {@link java.nio.channels.AsynchronousCloseException}.
 */
public final class UnixListener implements AutoCloseable {
    static final int AF_UNIX = 1;
    /** struct sockaddr_un: u16 family, char sun_path[108]. */
    static final long SOCKADDR_SIZE = 110;
    private static final long PATH_OFFSET = 2;
    /** sun_path minus the terminating NUL. */
    public static final int MAX_PATH_BYTES = 107;

    private final ListeningSocket socket;
    private final Path path;

    private UnixListener(ListeningSocket socket, Path path) {
        this.socket = socket;
        this.path = path;
    }

    /**
     * Creates a socket file at {@code path} (which must not exist) and listens on it. Errors
     * name the path: {@code "bind /run/qtfs/x.sock: Address already in use (EADDRINUSE)"}.
     */
    public static UnixListener bind(Path path, int backlog) throws ErrnoException {
        String name = path.toString();
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_PATH_BYTES) {
            throw new IllegalArgumentException("unix socket path " + name + " is " + bytes.length + " bytes long; at most "
                    + MAX_PATH_BYTES + " fit in a socket address");
        }
        int fd = Libc.check(SocketCalls.socket(AF_UNIX, SocketCalls.SOCK_STREAM | SocketCalls.SOCK_CLOEXEC | SocketCalls.SOCK_NONBLOCK, 0),
                "socket", name);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(SOCKADDR_SIZE, 2);
            address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(bytes, 0, address, ValueLayout.JAVA_BYTE, PATH_OFFSET, bytes.length);
            Libc.check(SocketCalls.bind(fd, address), "bind", name);
            Libc.check(SocketCalls.listen(fd, backlog), "listen", name);
            return new UnixListener(ListeningSocket.of(fd, name), path);
        } catch (ErrnoException | RuntimeException e) {
            FileIo.closeQuietly(fd);
            throw e;
        }
    }

    /** Waits for the next connection. */
    public UnixChannel accept() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            int child = socket.accept(arena.allocate(SOCKADDR_SIZE, 2));
            return new UnixChannel(child, "unix:" + path);
        }
    }

    public boolean isOpen() {
        return socket.isOpen();
    }

    /** Stops listening (the socket file stays); a thread blocked in {@link #accept} gets an exception. */
    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "unix:" + path;
    }
}
