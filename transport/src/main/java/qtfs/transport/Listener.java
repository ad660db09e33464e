package qtfs.transport;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * A listening socket that hands out {@link Connection}s. A unix socket file is created with
 * mode 0600 (never reachable by others, even for an instant), replaces a stale file left by a
 * dead server but never a live one, and is removed on close.
 */
public final class Listener implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Listener.class.getName());
    private static final int BACKLOG = 128;
    private static final int S_IFMT = 0170000, S_IFSOCK = 0140000;

    private final ServerSocketChannel server;
    private final Address address;
    private final int maxFrameSize;
    /** The unix socket file's identity, so close removes only our own file. */
    private final Object socketFileKey;

    private Listener(ServerSocketChannel server, Address address, int maxFrameSize, Object socketFileKey) {
        this.server = server;
        this.address = address;
        this.maxFrameSize = maxFrameSize;
        this.socketFileKey = socketFileKey;
    }

    /**
     * Binds and listens. Errors say which address could not be used and why, e.g.
     * {@code "cannot listen on unix:/run/qtfs/qtfsd.sock: another process is listening on it"}.
     */
    public static Listener bind(Address address, int maxFrameSize) throws IOException {
        try {
            return switch (address) {
                case Address.Unix unix -> bindUnix(unix, maxFrameSize);
                case Address.Tcp tcp -> bindTcp(tcp, maxFrameSize);
            };
        } catch (UnresolvedAddressException e) {
            throw new IOException("cannot listen on " + address + ": unknown host " + ((Address.Tcp) address).host(), e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("cannot listen on ")) throw e;
            throw new IOException("cannot listen on " + address + ": " + reason(e), e);
        }
    }

    private static Listener bindTcp(Address.Tcp tcp, int maxFrameSize) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(tcp.host(), tcp.port()), BACKLOG);
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            return new Listener(server, new Address.Tcp(tcp.host(), port), maxFrameSize, null);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static Listener bindUnix(Address.Unix unix, int maxFrameSize) throws IOException {
        Path path = unix.path().toAbsolutePath();
        Path parent = path.getParent();
        if (!Files.isDirectory(parent)) throw new IOException("cannot listen on " + unix + ": directory " + parent + " does not exist");
        removeIfStale(unix, path);
        // Bind inside a fresh 0700 directory, restrict the socket to 0600 there, then rename it
        // into place: with any umask, nobody else can connect in between.
        Path privateDir = Files.createTempDirectory(parent, ".qtfs", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path temporary = privateDir.resolve("s");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            if (temporary.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > Address.Unix.MAX_PATH_BYTES) {
                throw new IOException("cannot listen on " + unix + ": the directory " + parent
                        + " has too long a name for a unix socket (binding needs " + temporary + ")");
            }
            server.bind(UnixDomainSocketAddress.of(temporary), BACKLOG);
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return new Listener(server, unix, maxFrameSize, key);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        } finally {
            Files.deleteIfExists(temporary);
            Files.deleteIfExists(privateDir);
        }
    }

    /** A socket file nobody listens on is what a killed server leaves behind; anything else stays. */
    private static void removeIfStale(Address.Unix unix, Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) throw new IOException("cannot listen on " + unix + ": " + path + " exists and is not a socket");
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            throw new IOException("cannot listen on " + unix + ": another process is listening on it");
        } catch (ConnectException e) {
            LOG.log(System.Logger.Level.INFO, "removing stale socket {0} (nothing listens on it)", path);
            Files.deleteIfExists(path);
        }
    }

    static String reason(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file or directory: " + m;
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied: " + m;
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** The address actually bound: for TCP port 0, the port the system chose. */
    public Address address() {
        return address;
    }

    /** Waits for the next connection. Throws once the listener is closed. */
    public Connection accept() throws IOException {
        SocketChannel ch = server.accept();
        try {
            String peer = switch (address) {
                case Address.Unix unix -> {
                    SocketSetup.configureUnix(ch);
                    yield SocketSetup.unixPeer(ch, unix);
                }
                case Address.Tcp tcp -> {
                    SocketSetup.configureTcp(ch);
                    yield SocketSetup.tcpPeer(ch);
                }
            };
            return new Connection(ch, peer, maxFrameSize);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public boolean isOpen() {
        return server.isOpen();
    }

    /** Stops listening; a thread blocked in {@link #accept} gets an exception. Removes our unix socket file. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // nothing left to release
        }
        if (address instanceof Address.Unix unix && socketFileKey != null) {
            Path path = unix.path().toAbsolutePath();
            try {
                Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
                if (Objects.equals(key, socketFileKey)) Files.delete(path);
            } catch (IOException e) {
                // already removed, or replaced by someone else's socket: leave it
            }
        }
    }

    @Override
    public String toString() {
        return address.toString();
    }
}
