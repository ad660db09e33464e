package qtfs.transport;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The byte stream under a {@link Connection}: a unix or TCP socket, TLS over TCP, or a vsock
 * socket. All behave as a blocking socket channel does: a read returns what arrived (-1 at
 * end of stream), one thread may read while others write, and {@link #close} from any
 * thread ends blocked calls with an exception.
 */
public interface Link {
    /** Reads at least one byte into {@code dst} (waiting for it), or returns -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes from the buffers in order; returns how many bytes were written (possibly fewer than all). */
    long write(ByteBuffer... srcs) throws IOException;

    /** Sends nothing more: the peer reads end of stream after what was sent (for TLS, after close_notify). */
    void shutdownOutput() throws IOException;

    boolean isOpen();

    /** Closes at once. */
    void close();

    /**
     * The other end for log lines and messages: its address, and who it proved to be, e.g.
     * {@code "tcp:10.0.0.2:41234 (TLS, certificate 'dpu1')"}.
     */
    String peer();

    /**
     * Who the transport proved the peer to be: {@code "certificate 'dpu1'"} (TLS),
     * {@code "CID 3"} (vsock), {@code "uid 0"} (unix socket, as seen by the server),
     * or {@code "unauthenticated"} (plain TCP, and a client's view of a unix socket server).
     */
    String identity();
}
