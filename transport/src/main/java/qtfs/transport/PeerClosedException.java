package qtfs.transport;

import java.io.EOFException;

/** The peer closed the connection cleanly, between two frames. */
public final class PeerClosedException extends EOFException {
    private static final long serialVersionUID = 1L;

    public PeerClosedException(String peer) {
        super(peer + " closed the connection");
    }
}
