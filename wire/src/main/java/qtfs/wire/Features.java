package qtfs.wire;

/** Optional protocol features, offered in HELLO and agreed (the intersection) in WELCOME. */
public final class Features {
    private Features() {}

    /** The server may send NO_XATTRS frames on file-system connections. */
    public static final long NO_XATTRS_HINTS = 1;
    /** FIFOs are served as stream files: opened, read, written and polled on the server. */
    public static final long FIFO_STREAMS = 2;
}
