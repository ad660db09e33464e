package qtfs.sys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;

/**
 * A connected stream socket of a family the JDK's socket channels do not offer (unix with
 * peer credentials, vsock), as a blocking byte channel that behaves as a blocking
 * {@link java.nio.channels.SocketChannel} does: a read returns what arrived (-1 at end of
 * stream), a write returns once all was sent, direct buffers are used without copying, and
 * {@link #close} from another thread ends blocked calls with an
 * {@link java.nio.channels.AsynchronousCloseException}. Subclasses add what their family
 * can tell about the connection.
 */
public abstract sealed class StreamSocketChannel implements ByteChannel, ScatteringByteChannel, GatheringByteChannel
        permits UnixChannel, VsockChannel {
    /** The descriptor and its lifetime; subclasses bracket their own calls on it with enter/leave. */
    final StreamSocket socket;

    StreamSocketChannel(int fd, String name) {
        this.socket = new StreamSocket(fd, name);
    }

    @Override
    public final int read(ByteBuffer dst) throws IOException {
        return socket.read(dst);
    }

    @Override
    public final long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return socket.read(dsts, offset, length);
    }

    @Override
    public final long read(ByteBuffer[] dsts) throws IOException {
        return socket.read(dsts, 0, dsts.length);
    }

    @Override
    public final int write(ByteBuffer src) throws IOException {
        return socket.write(src);
    }

    @Override
    public final long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return socket.write(srcs, offset, length);
    }

    @Override
    public final long write(ByteBuffer[] srcs) throws IOException {
        return socket.write(srcs, 0, srcs.length);
    }

    /** Sends nothing more: the peer reads end of stream after what was sent. */
    public final void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public final boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public final void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return socket.name();
    }
}
