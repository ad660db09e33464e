package qtfs.server.fs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds the body of a FUSE request: little-endian fields and NUL-terminated names. */
final class RequestBody {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    RequestBody u32(long v) {
        for (int i = 0; i < 4; i++) bytes.write((int) (v >>> (8 * i)));
        return this;
    }

    RequestBody u64(long v) {
        for (int i = 0; i < 8; i++) bytes.write((int) (v >>> (8 * i)));
        return this;
    }

    /** A name or string with its terminating NUL. */
    RequestBody name(String s) {
        return raw(s.getBytes(StandardCharsets.UTF_8)).raw(new byte[1]);
    }

    RequestBody raw(byte[] b) {
        bytes.writeBytes(b);
        return this;
    }

    RequestBody zeros(int n) {
        return raw(new byte[n]);
    }

    byte[] toBytes() {
        return bytes.toByteArray();
    }
}
