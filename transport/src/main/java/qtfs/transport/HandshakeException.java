package qtfs.transport;

import java.io.IOException;

/**
 * The handshake failed: this side refused the peer, or the peer refused us (a REFUSE frame).
 * The message names the peer and the reason, e.g. both sides' version ranges.
 */
public final class HandshakeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public HandshakeException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The errno the refusal carried. */
    public int errno() {
        return errno;
    }
}
