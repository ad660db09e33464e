package qtfs.wire;

import java.nio.ByteBuffer;

/**
 * The payload of REFUSE (the connection is refused and closed) and of ERROR (a request
 * could not be served at all): a positive errno and a reason a person can read.
 */
public record Failure(int errno, String reason) {
    /** errno values are small positive numbers; anything else is garbage. */
    private static final int MAX_ERRNO = 4095;

    /** Longer reasons are cut, so a reason quoting peer input always fits in a frame. */
    public static final int MAX_REASON_CHARS = 4000;

    public Failure {
        if (errno < 1 || errno > MAX_ERRNO) throw new IllegalArgumentException("errno " + errno + " out of range 1.." + MAX_ERRNO);
        if (reason == null) throw new IllegalArgumentException("reason missing");
        if (reason.length() > MAX_REASON_CHARS) reason = reason.substring(0, MAX_REASON_CHARS) + "...";
    }

    public ByteBuffer encode() {
        byte[] text = PayloadWriter.utf8(reason, "reason");
        return new PayloadWriter(4 + 2 + text.length).u32(errno).string(text).done();
    }

    /** @param type REFUSE or ERROR, for the messages */
    public static Failure decode(ByteBuffer payload, FrameType type) throws ProtocolException {
        PayloadReader r = new PayloadReader(payload, type.name());
        int errno = r.u32("errno");
        String reason = r.string("reason");
        r.end();
        if (errno < 1 || errno > MAX_ERRNO) throw r.invalid("errno " + Integer.toUnsignedString(errno) + " out of range 1.." + MAX_ERRNO);
        return new Failure(errno, reason);
    }
}
