package qtfs.wire;

/** What a connection is for, announced in HELLO. */
public enum Service {
    FS(1, "fs"), EXEC(2, "exec"), UDS(3, "uds"), INFO(4, "info");

    public final int code;
    /** The short name used in messages and on the command line. */
    public final String title;

    Service(int code, String title) {
        this.code = code;
        this.title = title;
    }

    public static Service of(int code) throws ProtocolException {
        for (Service s : values()) {
            if (s.code == code) return s;
        }
        throw new ProtocolException("unknown service " + Integer.toUnsignedString(code));
    }

    @Override
    public String toString() {
        return title;
    }
}
