package qtfs.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds one payload in a little-endian heap buffer of exactly the right size. */
final class PayloadWriter {
    private final ByteBuffer buf;

    PayloadWriter(int size) {
        this.buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Encoded form of a string field: checked for the u16 length limit. */
    static byte[] utf8(String value, String field) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xffff) throw new IllegalArgumentException(field + " is " + b.length + " bytes, at most 65535 fit in a frame field");
        return b;
    }

    PayloadWriter u16(int v) {
        buf.putShort((short) v);
        return this;
    }

    PayloadWriter u32(int v) {
        buf.putInt(v);
        return this;
    }

    PayloadWriter u64(long v) {
        buf.putLong(v);
        return this;
    }

    PayloadWriter string(byte[] utf8) {
        buf.putShort((short) utf8.length).put(utf8);
        return this;
    }

    ByteBuffer done() {
        if (buf.hasRemaining()) throw new IllegalStateException("payload size miscounted: " + buf.remaining() + " bytes unused");
        return buf.flip();
    }
}
