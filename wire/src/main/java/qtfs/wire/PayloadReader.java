package qtfs.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of one payload in order and turns every short read, bad string or
 * non-zero reserved field into a {@link ProtocolException} that names the frame and field.
 */
final class PayloadReader {
    private final ByteBuffer buf;
    private final String frame;

    PayloadReader(ByteBuffer payload, String frame) {
        this.buf = payload.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.frame = frame;
    }

    private void need(int bytes, String field) throws ProtocolException {
        if (buf.remaining() < bytes) {
            throw new ProtocolException(frame + ": payload ends inside " + field + " (" + buf.remaining() + " of " + bytes + " bytes present)");
        }
    }

    int u16(String field) throws ProtocolException {
        need(2, field);
        return Short.toUnsignedInt(buf.getShort());
    }

    int u32(String field) throws ProtocolException {
        need(4, field);
        return buf.getInt();
    }

    long u64(String field) throws ProtocolException {
        need(8, field);
        return buf.getLong();
    }

    void zero16(String field) throws ProtocolException {
        int v = u16(field);
        if (v != 0) throw new ProtocolException(frame + ": reserved field " + field + " is 0x" + Integer.toHexString(v) + ", must be 0");
    }

    void zero32(String field) throws ProtocolException {
        int v = u32(field);
        if (v != 0) throw new ProtocolException(frame + ": reserved field " + field + " is 0x" + Integer.toHexString(v) + ", must be 0");
    }

    /** A {@code u16 n} followed by {@code n} bytes of UTF-8. */
    String string(String field) throws ProtocolException {
        int n = u16(field + " length");
        if (n > buf.remaining()) {
            throw new ProtocolException(frame + ": " + field + " length " + n + " runs past the end of the frame ("
                    + buf.remaining() + " bytes left)");
        }
        ByteBuffer bytes = buf.slice(buf.position(), n);
        buf.position(buf.position() + n);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException(frame + ": " + field + " is not valid UTF-8");
        }
    }

    int remaining() {
        return buf.remaining();
    }

    int position() {
        return buf.position();
    }

    /** The payload must end here: trailing bytes mean the peer and we disagree on the layout. */
    void end() throws ProtocolException {
        if (buf.hasRemaining()) {
            throw new ProtocolException(frame + ": " + buf.remaining() + " unexpected bytes after the last field");
        }
    }

    ProtocolException invalid(String reason) {
        return new ProtocolException(frame + ": " + reason);
    }
}
