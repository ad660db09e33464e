package qtfs.wire;

import java.nio.ByteBuffer;

/** The 8 bytes of PING, echoed unchanged in PONG. */
public record Ping(long value) {
    public ByteBuffer encode() {
        return new PayloadWriter(8).u64(value).done();
    }

    /** @param type PING or PONG, for the messages */
    public static Ping decode(ByteBuffer payload, FrameType type) throws ProtocolException {
        PayloadReader r = new PayloadReader(payload, type.name());
        long value = r.u64("value");
        r.end();
        return new Ping(value);
    }
}
