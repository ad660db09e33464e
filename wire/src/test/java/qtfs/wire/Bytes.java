package qtfs.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Hand-built little-endian payloads, so tests do not trust the encoders they check. */
final class Bytes {
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

    Bytes u16(int v) { buf.putShort((short) v); return this; }
    Bytes u32(int v) { buf.putInt(v); return this; }
    Bytes u64(long v) { buf.putLong(v); return this; }
    Bytes raw(byte... b) { buf.put(b); return this; }
    Bytes str(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return u16(b.length).raw(b);
    }

    ByteBuffer done() {
        return buf.duplicate().flip().slice();
    }

    static byte[] array(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
