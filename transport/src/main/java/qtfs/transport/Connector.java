package qtfs.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;

import javax.net.ssl.SSLContext;

import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.VsockChannel;
import qtfs.transport.tls.Credential;
import qtfs.transport.tls.NotTlsException;
import qtfs.transport.tls.TlsChannel;
import qtfs.transport.tls.TlsContexts;

/**
 * Opens client connections to one server address: unix socket, vsock, or TCP with TLS 1.3
 * (plain TCP only when told to be insecure). Errors name the address: "cannot connect to
 * unix:/run/qtfs/qtfsd.sock: No such file or directory".
 */
public final class Connector {
    private static final System.Logger LOG = System.getLogger(Connector.class.getName());
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final Address address;
    /** The client's TLS context for a TCP server, or null (not TCP, or insecure). */
    private final SSLContext tls;

    private Connector(Address address, SSLContext tls) {
        this.address = address;
        this.tls = tls;
    }

    /**
     * Prepares connections to {@code address}. For TCP this reads the credential in
     * {@code security} (the error names the file and how to get one), or, when insecure, logs
     * a warning that the connections will be neither encrypted nor authenticated.
     */
    public static Connector to(Address address, ClientTls security) throws IOException {
        if (!(address instanceof Address.Tcp tcp)) return new Connector(address, null);
        if (security.insecure()) {
            LOG.log(System.Logger.Level.WARNING, "{0}: plain TCP without TLS (insecure): the connection is neither encrypted "
                    + "nor authenticated", tcp);
            return new Connector(address, null);
        }
        try {
            return new Connector(address, TlsContexts.context(Credential.load(security.credential())));
        } catch (IOException e) {
            String hint = e.getCause() instanceof NoSuchFileException
                    ? "; on the server, 'qtfsd tls issue NAME' makes a credential to copy here (or name its file with the mount "
                            + "option cert=FILE)"
                    : "";
            throw new IOException("cannot connect to " + tcp + " with TLS: " + e.getMessage() + hint, e);
        }
    }

    /** Connects to {@code address} with TLS from {@link ClientTls#DEFAULT_CREDENTIAL} if it is TCP. */
    public static Connection connect(Address address, int maxFrameSize) throws IOException {
        return connect(address, maxFrameSize, DEFAULT_CONNECT_TIMEOUT);
    }

    public static Connection connect(Address address, int maxFrameSize, Duration timeout) throws IOException {
        return to(address, ClientTls.defaults()).connect(maxFrameSize, timeout);
    }

    public Address address() {
        return address;
    }

    public Connection connect(int maxFrameSize) throws IOException {
        return connect(maxFrameSize, DEFAULT_CONNECT_TIMEOUT);
    }

    /** Connects and, for TLS, completes the TLS handshake within {@code timeout}. */
    public Connection connect(int maxFrameSize, Duration timeout) throws IOException {
        try {
            Link link = switch (address) {
                case Address.Unix unix -> connectUnix(unix);
                case Address.Tcp tcp -> connectTcp(tcp, timeout);
                case Address.Vsock vsock -> connectVsock(vsock, timeout);
            };
            return new Connection(link, maxFrameSize);
        } catch (UnresolvedAddressException e) {
            throw new IOException("cannot connect to " + address + ": unknown host " + ((Address.Tcp) address).host(), e);
        } catch (SocketTimeoutException e) {
            throw new IOException("cannot connect to " + address + ": no answer within " + timeout.toSeconds() + " s", e);
        } catch (NotTlsException e) {
            throw new IOException("cannot connect to " + address + ": " + e.getMessage()
                    + "; a server started with --insecure-tcp is reached with the mount option insecure", e);
        } catch (ErrnoException e) {
            throw new IOException("cannot connect to " + address + ": " + Errno.describe(e.errno()), e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("cannot connect to ")) throw e;
            throw new IOException("cannot connect to " + address + ": " + SocketSetup.reason(e), e);
        }
    }

    private static Link connectUnix(Address.Unix unix) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            SocketSetup.configureUnix(ch);
            ch.connect(UnixDomainSocketAddress.of(unix.path()));
            return ChannelLink.socket(ch, unix.toString());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private Link connectTcp(Address.Tcp tcp, Duration timeout) throws IOException {
        if (tcp.port() == 0) throw new IOException("port 0 is only for listening");
        InetSocketAddress target = new InetSocketAddress(tcp.host(), tcp.port());
        if (target.isUnresolved()) throw new UnresolvedAddressException();
        SocketChannel ch = SocketChannel.open();
        try {
            SocketSetup.configureTcp(ch);
            // the socket adaptor is the only blocking connect with a timeout
            ch.socket().connect(target, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            if (tls == null) return ChannelLink.socket(ch, tcp.toString());
            // the server's certificate must name the host as the user wrote it
            TlsChannel channel = TlsChannel.handshakeAsClient(ch, tls, tcp.host(), tcp.port(), tcp.toString(), timeout);
            String name = Handshake.printable(channel.peerName());
            return ChannelLink.tls(channel, ch, tcp + " (TLS, certificate '" + name + "')", "certificate '" + name + "'");
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static Link connectVsock(Address.Vsock vsock, Duration timeout) throws IOException {
        VsockChannel ch;
        try {
            ch = VsockChannel.connect(vsock.toVsockAddress(), timeout);
        } catch (IllegalArgumentException e) {
            // vsock:any:PORT names no server
            throw new IOException(e.getMessage(), e);
        }
        return ChannelLink.vsock(ch, vsock.toString(), VsockSocketListener.identity(ch.remoteAddress()));
    }
}
