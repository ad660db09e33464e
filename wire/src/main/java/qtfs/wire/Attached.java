package qtfs.wire;

import java.nio.ByteBuffer;

/** ATTACHED: the session token (to join from more connections); the frame's channel is the mount id. */
public record Attached(long token) {
    public Attached {
        if (token == 0) throw new IllegalArgumentException("session token 0 means 'new session' and cannot be assigned");
    }

    public ByteBuffer encode() {
        return new PayloadWriter(8).u64(token).done();
    }

    public static Attached decode(ByteBuffer payload) throws ProtocolException {
        PayloadReader r = new PayloadReader(payload, "ATTACHED");
        long token = r.u64("session token");
        r.end();
        if (token == 0) throw r.invalid("session token 0 is not a session");
        return new Attached(token);
    }
}
