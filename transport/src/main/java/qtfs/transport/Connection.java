package qtfs.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.locks.ReentrantLock;

import qtfs.wire.FrameHeader;
import qtfs.wire.FrameType;
import qtfs.wire.ProtocolException;

/**
 * A framed, blocking connection over a {@link Link} (unix or TCP socket, TLS, vsock). One thread receives; any number of
 * threads send, each frame going out whole (header and payload in one gathering write under
 * a per-connection lock). Every frame header is checked before its payload is read.
 */
public final class Connection implements AutoCloseable {
    /** Received bytes are read in large gulps, so small frames cost one read for many. */
    private static final int INITIAL_RECEIVE_BUFFER = 256 << 10;

    private final Link channel;
    private final String peer;
    private final int maxFrameSize;

    /** Unconsumed received bytes between position and limit. Only the receiving thread touches it. */
    private ByteBuffer in;

    private final ReentrantLock sendLock = new ReentrantLock();
    private final ByteBuffer headerOut = ByteBuffer.allocateDirect(FrameHeader.SIZE);
    /** System.nanoTime when the frame being written started, or {@link #NOT_SENDING}. */
    private volatile long sendingSince = NOT_SENDING;
    private static final long NOT_SENDING = Long.MIN_VALUE;

    Connection(Link channel, int maxFrameSize) {
        if (maxFrameSize < FrameHeader.SIZE) throw new IllegalArgumentException("max frame size " + maxFrameSize + " is below the header size");
        this.channel = channel;
        this.peer = channel.peer();
        this.maxFrameSize = maxFrameSize;
        this.in = ByteBuffer.allocateDirect(Math.min(INITIAL_RECEIVE_BUFFER, maxFrameSize)).limit(0);
    }

    /** Who is on the other end, for log lines and messages: an address and what is known of the peer. */
    public String peer() {
        return peer;
    }

    /** Who the transport proved the peer to be (see {@link Link#identity()}). */
    public String identity() {
        return channel.identity();
    }

    public int maxFrameSize() {
        return maxFrameSize;
    }

    Link channel() {
        return channel;
    }

    /**
     * Reads the next frame. Its header is checked (length within this connection's maximum,
     * known type, reserved fields zero) before the payload is read.
     *
     * @throws PeerClosedException the peer closed the connection between frames
     * @throws ProtocolException   a bad header, or the connection ended inside a frame
     */
    public Frame receive() throws IOException {
        fill(FrameHeader.SIZE, FrameHeader.SIZE);
        FrameHeader header = FrameHeader.decode(in, maxFrameSize);
        fill(header.length(), header.length());
        int start = in.position();
        ByteBuffer payload = in.slice(start + FrameHeader.SIZE, header.payloadLength()).order(ByteOrder.LITTLE_ENDIAN);
        in.position(start + header.length());
        return new Frame(header, payload);
    }

    /**
     * Whether bytes of a further frame arrived with the last one received (the peer has more
     * waiting). Only the receiving thread may ask. Bytes still in the socket do not count.
     */
    public boolean hasReceivedMore() {
        return in.hasRemaining();
    }

    /** Makes at least {@code needed} unconsumed bytes available; {@code frameLength} is for messages. */
    private void fill(int needed, int frameLength) throws IOException {
        if (in.remaining() >= needed) return;
        if (in.capacity() < needed) {
            ByteBuffer bigger = ByteBuffer.allocateDirect(Math.min(Math.max(needed, 2 * in.capacity()), maxFrameSize));
            bigger.put(in);
            in = bigger;
        } else {
            in.compact();
        }
        try {
            while (in.position() < needed) {
                if (channel.read(in) < 0) {
                    if (in.position() == 0) throw new PeerClosedException(peer);
                    throw new ProtocolException("truncated frame: " + peer + " closed the connection after " + in.position()
                            + " of " + frameLength + " bytes of a frame");
                }
            }
        } finally {
            in.flip();
        }
    }

    /**
     * Sends one frame. The payload buffers are written from their positions to their limits
     * (and their positions advanced); many threads may send at once.
     */
    public void send(FrameType type, int channelId, long requestId, ByteBuffer... payload) throws IOException {
        long payloadLength = 0;
        for (ByteBuffer b : payload) payloadLength += b.remaining();
        if (FrameHeader.SIZE + payloadLength > maxFrameSize) {
            throw new ProtocolException("cannot send a " + type + " frame of " + (FrameHeader.SIZE + payloadLength)
                    + " bytes to " + peer + ": the maximum frame size is " + maxFrameSize + " bytes");
        }
        ByteBuffer[] parts = new ByteBuffer[payload.length + 1];
        System.arraycopy(payload, 0, parts, 1, payload.length);
        sendLock.lock();
        try {
            headerOut.clear();
            FrameHeader.of(type, channelId, requestId, (int) payloadLength).encode(headerOut);
            parts[0] = headerOut.flip();
            long left = FrameHeader.SIZE + payloadLength;
            sendingSince = System.nanoTime();
            while (left > 0) left -= channel.write(parts);
        } finally {
            sendingSince = NOT_SENDING;
            sendLock.unlock();
        }
    }

    /**
     * How long the frame being sent has been waiting for the peer to take it, in nanoseconds
     * at {@code now} (a System.nanoTime); 0 when nothing is being sent. A peer that stops
     * reading leaves a sender blocked for good: this lets an owner notice and {@link #close}.
     */
    public long sendStalledNanos(long now) {
        long since = sendingSince;
        return since == NOT_SENDING ? 0 : Math.max(0, now - since);
    }

    /** Sends nothing more; the peer sees end-of-stream after what was already sent. */
    public void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            // already closed or reset: the peer sees the end either way
        }
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Closes the socket; a thread blocked in {@link #receive} or {@link #send} gets an exception. */
    @Override
    public void close() {
        channel.close();
    }

    @Override
    public String toString() {
        return peer;
    }
}
