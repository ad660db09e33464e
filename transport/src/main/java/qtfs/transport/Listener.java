package qtfs.transport;

import java.io.IOException;
import java.nio.channels.UnresolvedAddressException;

import qtfs.transport.tls.Credential;

/**
 * A listening socket that hands out {@link Incoming} connections: one kind per address kind
 * (unix, plain TCP, TLS, vsock), each accepting the peers its {@link AcceptPolicy} allows.
 */
public interface Listener extends AutoCloseable {

    /**
     * Binds and listens. Errors say which address could not be used and why, e.g.
     * {@code "cannot listen on unix:/run/qtfs/qtfsd.sock: another process is listening on it"}.
     * A TCP address listens with TLS unless the policy allows plain TCP; the server's
     * credential is read here, so a missing or bad one fails the bind.
     */
    static Listener bind(Address address, AcceptPolicy policy, int maxFrameSize) throws IOException {
        try {
            return switch (address) {
                case Address.Unix unix -> UnixSocketListener.bind(unix, policy.allowedUids(), maxFrameSize);
                case Address.Tcp tcp when policy.insecureTcp() -> TcpSocketListener.bind(tcp, maxFrameSize);
                case Address.Tcp tcp -> TlsSocketListener.bind(tcp, serverCredential(tcp, policy), maxFrameSize);
                case Address.Vsock vsock -> {
                    policy.checkCovers(java.util.List.of(vsock));
                    yield VsockSocketListener.bind(vsock, policy.allowedCids().orElseThrow(), maxFrameSize);
                }
            };
        } catch (UnresolvedAddressException e) {
            throw new IOException("cannot listen on " + address + ": unknown host " + ((Address.Tcp) address).host(), e);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage().startsWith("cannot listen on ") ? e.getMessage()
                    : "cannot listen on " + address + ": " + e.getMessage(), e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("cannot listen on ")) throw e;
            throw new IOException("cannot listen on " + address + ": " + SocketSetup.reason(e), e);
        }
    }

    /** With the default policy: TLS from /etc/qtfs/tls, root only on unix sockets, no vsock. */
    static Listener bind(Address address, int maxFrameSize) throws IOException {
        return bind(address, AcceptPolicy.defaults(), maxFrameSize);
    }

    private static Credential serverCredential(Address.Tcp tcp, AcceptPolicy policy) throws IOException {
        try {
            return Credential.load(policy.serverCredential());
        } catch (IOException e) {
            String hint = e.getCause() instanceof java.nio.file.NoSuchFileException
                    ? "; create it with 'qtfsd tls init', or listen in plain TCP with --insecure-tcp (neither encrypted nor authenticated)"
                    : "";
            throw new IOException("cannot listen on " + tcp + " with TLS: " + e.getMessage() + hint, e);
        }
    }

    /** The address actually bound: for TCP port 0 (vsock: any port), the port the system chose. */
    Address address();

    /**
     * Waits for the next connection. Throws once the listener is closed. The connection is
     * established (TLS handshake, peer checks) by {@link Incoming#establish}, on the thread
     * that will serve it.
     */
    Incoming accept() throws IOException;

    boolean isOpen();

    /** Stops listening; a thread blocked in {@link #accept} gets an exception. Removes our unix socket file. */
    @Override
    void close();
}
