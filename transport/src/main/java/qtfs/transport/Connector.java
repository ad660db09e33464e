package qtfs.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;

/** Opens client connections. Errors name the address: "cannot connect to unix:/run/qtfs/qtfsd.sock: No such file or directory". */
public final class Connector {
    private Connector() {}

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public static Connection connect(Address address, int maxFrameSize) throws IOException {
        return connect(address, maxFrameSize, DEFAULT_CONNECT_TIMEOUT);
    }

    public static Connection connect(Address address, int maxFrameSize, Duration timeout) throws IOException {
        try {
            return switch (address) {
                case Address.Unix unix -> connectUnix(unix, maxFrameSize);
                case Address.Tcp tcp -> connectTcp(tcp, maxFrameSize, timeout);
            };
        } catch (UnresolvedAddressException e) {
            throw new IOException("cannot connect to " + address + ": unknown host " + ((Address.Tcp) address).host(), e);
        } catch (SocketTimeoutException e) {
            throw new IOException("cannot connect to " + address + ": no answer within " + timeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new IOException("cannot connect to " + address + ": " + Listener.reason(e), e);
        }
    }

    private static Connection connectUnix(Address.Unix unix, int maxFrameSize) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            SocketSetup.configureUnix(ch);
            ch.connect(UnixDomainSocketAddress.of(unix.path()));
            return new Connection(ch, unix.toString(), maxFrameSize);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static Connection connectTcp(Address.Tcp tcp, int maxFrameSize, Duration timeout) throws IOException {
        if (tcp.port() == 0) throw new IOException("port 0 is only for listening");
        InetSocketAddress target = new InetSocketAddress(tcp.host(), tcp.port());
        if (target.isUnresolved()) throw new UnresolvedAddressException();
        SocketChannel ch = SocketChannel.open();
        try {
            SocketSetup.configureTcp(ch);
            // the socket adaptor is the only blocking connect with a timeout
            ch.socket().connect(target, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            return new Connection(ch, tcp.toString(), maxFrameSize);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }
}
