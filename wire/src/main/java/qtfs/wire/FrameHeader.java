package qtfs.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 24 bytes in front of every frame: total length, type, channel (0 or a mount id) and
 * request id. The {@code flags} and {@code reserved} fields are always 0 in version 1.
 */
public record FrameHeader(int length, FrameType type, int channel, long requestId) {
    public static final int SIZE = 24;
    /** 1 MiB of data plus room for FUSE headers and the caller's groups. */
    public static final int DEFAULT_MAX_FRAME_SIZE = (1 << 20) + (64 << 10);

    public FrameHeader {
        if (length < SIZE) throw new IllegalArgumentException("frame length " + length + " is below the header size " + SIZE);
        if (type == null) throw new IllegalArgumentException("frame type missing");
    }

    public static FrameHeader of(FrameType type, int channel, long requestId, int payloadLength) {
        if (payloadLength < 0 || payloadLength > Integer.MAX_VALUE - SIZE) {
            throw new IllegalArgumentException("payload length " + payloadLength + " out of range");
        }
        return new FrameHeader(SIZE + payloadLength, type, channel, requestId);
    }

    public int payloadLength() {
        return length - SIZE;
    }

    /**
     * Reads a header from the next {@link #SIZE} bytes of {@code src} (absolute reads from its
     * position; the position is not moved) and checks every rule a header alone can break.
     */
    public static FrameHeader decode(ByteBuffer src, int maxFrameSize) throws ProtocolException {
        if (src.remaining() < SIZE) throw new ProtocolException("frame header needs " + SIZE + " bytes, got " + src.remaining());
        ByteBuffer b = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        try {
            return check(b, maxFrameSize);
        } catch (ProtocolException e) {
            if (!startsLikeTls(b)) throw e;
            throw new ProtocolException("the peer sent a TLS handshake, but this connection carries plain qtfs frames"
                    + " (one side uses TLS, the other plain TCP)");
        }
    }

    /**
     * A TLS record begins with content type 22 (handshake) and major version 3. Asked only of
     * a header that broke a rule: a valid qtfs frame may begin with the same two bytes.
     */
    private static boolean startsLikeTls(ByteBuffer b) {
        int p = b.position();
        return b.get(p) == 22 && b.get(p + 1) == 3 && b.get(p + 2) >= 1 && b.get(p + 2) <= 4;
    }

    private static FrameHeader check(ByteBuffer b, int maxFrameSize) throws ProtocolException {
        int p = b.position();
        long length = Integer.toUnsignedLong(b.getInt(p));
        int typeCode = Short.toUnsignedInt(b.getShort(p + 4));
        int flags = Short.toUnsignedInt(b.getShort(p + 6));
        int channel = b.getInt(p + 8);
        int reserved = b.getInt(p + 12);
        long requestId = b.getLong(p + 16);
        if (length < SIZE) throw new ProtocolException("frame length " + length + " is shorter than its " + SIZE + "-byte header");
        if (length > maxFrameSize) {
            throw new ProtocolException("frame of " + length + " bytes exceeds the maximum frame size of " + maxFrameSize + " bytes");
        }
        FrameType type = FrameType.of(typeCode);
        if (flags != 0) throw new ProtocolException(type + " frame has non-zero flags 0x" + Integer.toHexString(flags) + " (reserved, must be 0)");
        if (reserved != 0) {
            throw new ProtocolException(type + " frame has non-zero reserved field 0x" + Integer.toHexString(reserved) + " (must be 0)");
        }
        return new FrameHeader((int) length, type, channel, requestId);
    }

    /** Writes the header at {@code dst}'s position and advances it by {@link #SIZE}. */
    public void encode(ByteBuffer dst) {
        ByteOrder order = dst.order();
        dst.order(ByteOrder.LITTLE_ENDIAN)
                .putInt(length)
                .putShort((short) type.code)
                .putShort((short) 0)
                .putInt(channel)
                .putInt(0)
                .putLong(requestId)
                .order(order);
    }
}
