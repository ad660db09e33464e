package qtfs.wire;

/** The frame types of protocol version 1 and their codes on the wire. */
public enum FrameType {
    HELLO(1), WELCOME(2), REFUSE(3), ATTACH(4), ATTACHED(5), FUSE_REQUEST(6), FUSE_REPLY(7),
    FUSE_NOTIFY(8), PING(9), PONG(10), ERROR(11), NO_XATTRS(12),
    SUBMOUNTS(13);

    public final int code;

    FrameType(int code) {
        this.code = code;
    }

    private static final FrameType[] BY_CODE = new FrameType[14];

    static {
        for (FrameType t : values()) BY_CODE[t.code] = t;
    }

    /** The type with this code; an unknown code is a protocol violation. */
    public static FrameType of(int code) throws ProtocolException {
        FrameType t = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (t == null) throw new ProtocolException("unknown frame type " + code);
        return t;
    }
}
