package qtfs.wire;

/**
 * The processor architecture of a client, announced in ATTACH: the client kernel numbers some
 * open(2) flags differently on each (O_DIRECT, O_DIRECTORY, O_NOFOLLOW, O_LARGEFILE), and the
 * server must read the flags of FUSE requests in the client's numbering.
 */
public enum Architecture {
    X86_64(1, "x86_64"), AARCH64(2, "aarch64");

    public final int code;
    public final String title;

    Architecture(int code, String title) {
        this.code = code;
        this.title = title;
    }

    /** The architecture with wire code {@code code}; the message names the known ones. */
    public static Architecture of(int code) throws ProtocolException {
        for (Architecture a : values()) {
            if (a.code == code) return a;
        }
        throw new ProtocolException("unknown client architecture " + Integer.toUnsignedString(code) + " (known: 1 x86_64, 2 aarch64)");
    }

    @Override
    public String toString() {
        return title;
    }
}
