package qtfs.transport;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

import qtfs.sys.PeerCredentials;
import qtfs.sys.UnixChannel;
import qtfs.sys.UnixListener;

/**
 * A unix socket file. Each peer's uid, as the kernel recorded it (SO_PEERCRED), is checked
 * against the policy. When only root is allowed the file is mode 0600, so that nobody else
 * can even connect; otherwise it is 0666 and the uid check alone decides. Either way nobody
 * can connect before the mode is set: the socket is bound in a private directory and renamed
 * into place. A stale file left by a dead server is replaced, a live server's never; the
 * file is removed on close.
 */
final class UnixSocketListener implements Listener {
    private static final System.Logger LOG = System.getLogger(UnixSocketListener.class.getName());
    private static final int BACKLOG = 128;
    private static final int S_IFMT = 0170000, S_IFSOCK = 0140000;

    private final UnixListener server;
    private final Address.Unix address;
    private final AllowedUids allowed;
    private final int maxFrameSize;
    /** The socket file's identity, so close removes only our own file. */
    private final Object socketFileKey;

    private UnixSocketListener(UnixListener server, Address.Unix address, AllowedUids allowed, int maxFrameSize, Object socketFileKey) {
        this.server = server;
        this.address = address;
        this.allowed = allowed;
        this.maxFrameSize = maxFrameSize;
        this.socketFileKey = socketFileKey;
    }

    static Listener bind(Address.Unix unix, AllowedUids allowed, int maxFrameSize) throws IOException {
        Path path = unix.path().toAbsolutePath();
        Path parent = path.getParent();
        if (!Files.isDirectory(parent)) throw new IOException("cannot listen on " + unix + ": directory " + parent + " does not exist");
        removeIfStale(unix, path);
        Path privateDir = Files.createTempDirectory(parent, ".qtfs", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path temporary = privateDir.resolve("s");
        UnixListener server = null;
        try {
            if (temporary.toString().getBytes(StandardCharsets.UTF_8).length > Address.Unix.MAX_PATH_BYTES) {
                throw new IOException("cannot listen on " + unix + ": the directory " + parent
                        + " has too long a name for a unix socket (binding needs " + temporary + ")");
            }
            server = UnixListener.bind(temporary, BACKLOG);
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString(allowed.onlyRoot() ? "rw-------" : "rw-rw-rw-"));
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return new UnixSocketListener(server, unix, allowed, maxFrameSize, key);
        } catch (IOException | RuntimeException e) {
            if (server != null) server.close();
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

    @Override
    public Address address() {
        return address;
    }

    @Override
    public Incoming accept() throws IOException {
        UnixChannel ch = server.accept();
        PeerCredentials credentials;
        try {
            // a peer that is gone already keeps its credentials: this fails only on a broken socket
            credentials = ch.peerCredentials();
            ch.setBufferSizes(SocketSetup.UNIX_SOCKET_BUFFER);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        Link link = ChannelLink.unix(ch, address + " (" + credentials + ")", "uid " + Integer.toUnsignedString(credentials.uid()));
        return Incoming.checked(link, maxFrameSize, allowed.refusal(credentials.uid()));
    }

    @Override
    public boolean isOpen() {
        return server.isOpen();
    }

    @Override
    public void close() {
        server.close();
        Path path = address.path().toAbsolutePath();
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (Objects.equals(key, socketFileKey)) Files.delete(path);
        } catch (IOException e) {
            // already removed, or replaced by someone else's socket: leave it
        }
    }

    @Override
    public String toString() {
        return address.toString();
    }
}
