package qtfs.transport.tls;

import java.io.IOException;

/**
 * The peer's first bytes are not TLS: a plain TCP client came to a TLS server (or the other
 * way round). A server may still answer such a peer in its own plain protocol, to tell it
 * why it is turned away.
 */
public final class NotTlsException extends IOException {
    private static final long serialVersionUID = 1L;

    public NotTlsException(String message) {
        super(message);
    }
}
