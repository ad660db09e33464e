package qtfs.transport;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLContext;

import qtfs.sys.Errno;
import qtfs.transport.tls.Credential;
import qtfs.transport.tls.NotTlsException;
import qtfs.transport.tls.TlsChannel;
import qtfs.transport.tls.TlsContexts;

/**
 * TCP with TLS 1.3 and mutual authentication: a client must present a certificate from the
 * server's CA, and is known by its CN. A plain TCP client is answered in plain qtfs frames,
 * with a REFUSE saying that the server requires TLS.
 */
final class TlsSocketListener implements Listener {
    private static final System.Logger LOG = System.getLogger(TlsSocketListener.class.getName());

    private final TcpSocketListener tcp;
    private final SSLContext context;
    private final int maxFrameSize;

    private TlsSocketListener(TcpSocketListener tcp, SSLContext context, int maxFrameSize) {
        this.tcp = tcp;
        this.context = context;
        this.maxFrameSize = maxFrameSize;
    }

    static Listener bind(Address.Tcp address, Credential credential, int maxFrameSize) throws IOException {
        SSLContext context = TlsContexts.context(credential);
        return new TlsSocketListener(TcpSocketListener.bindSocket(address, maxFrameSize), context, maxFrameSize);
    }

    @Override
    public Address address() {
        return tcp.address();
    }

    @Override
    public Incoming accept() throws IOException {
        SocketChannel ch = tcp.acceptSocket();
        String peer = SocketSetup.tcpPeer(ch);
        return new Incoming(peer, ChannelLink.socket(ch, peer), () -> establish(ch, peer));
    }

    private Connection establish(SocketChannel ch, String peer) throws IOException {
        TlsChannel tls;
        try {
            tls = TlsChannel.handshakeAsServer(ch, context, peer, Handshake.DEFAULT_TIMEOUT);
        } catch (NotTlsException e) {
            // the socket is still open: tell the plain client in its own protocol
            Connection plain = new Connection(ChannelLink.socket(ch, peer), maxFrameSize);
            throw Handshake.refuseBeforeHello(plain, Errno.EACCES, "server requires TLS: the client connected in plain TCP "
                    + "(it needs a credential from the server's 'qtfsd tls issue', without the mount option insecure)");
        } catch (IOException e) {
            // the message names the peer and what was wrong with whose certificate
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
            throw new HandshakeException(e.getMessage(), Errno.EACCES);
        }
        String name = Handshake.printable(tls.peerName());
        return new Connection(ChannelLink.tls(tls, ch, peer + " (TLS, certificate '" + name + "')", "certificate '" + name + "'"),
                maxFrameSize);
    }

    @Override
    public boolean isOpen() {
        return tcp.isOpen();
    }

    @Override
    public void close() {
        tcp.close();
    }

    @Override
    public String toString() {
        return tcp.toString();
    }
}
