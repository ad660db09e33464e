package qtfs.transport;

import java.io.IOException;

import qtfs.sys.Errno;

/**
 * A connection a {@link Listener} accepted and has not yet established. Accepting only takes
 * the socket; {@link #establish} does the rest (the TLS handshake, the check of the peer's
 * uid or CID) on the thread that will serve the connection, so that a slow or hostile peer
 * never holds up the accepting thread.
 */
public final class Incoming implements AutoCloseable {
    /** The listener kind's part of establishing. */
    @FunctionalInterface
    interface Establishment {
        Connection establish() throws IOException;
    }

    private final String peer;
    private final Link socket;
    private final Establishment establishment;

    Incoming(String peer, Link socket, Establishment establishment) {
        this.peer = peer;
        this.socket = socket;
        this.establishment = establishment;
    }

    /**
     * An incoming connection whose peer is already known: refused with {@code refusal}, or
     * accepted as it is when {@code refusal} is null.
     */
    static Incoming checked(Link link, int maxFrameSize, String refusal) {
        return new Incoming(link.peer(), link, () -> {
            Connection c = new Connection(link, maxFrameSize);
            if (refusal != null) throw Handshake.refuseBeforeHello(c, Errno.EACCES, refusal);
            return c;
        });
    }

    /** The peer as far as it is known before establishing: its address, e.g. {@code "tcp:10.0.0.2:41234"}. */
    public String peer() {
        return peer;
    }

    /**
     * Completes accepting the connection. A peer turned away is told why where its protocol
     * allows it (a REFUSE frame, or a TLS alert), the refusal is logged naming the peer, the
     * socket is closed, and a {@link HandshakeException} is thrown.
     */
    public Connection establish() throws IOException {
        try {
            return establishment.establish();
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Drops the connection unestablished; a thread blocked in {@link #establish} gets an exception. */
    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return peer;
    }
}
