package qtfs.wire;

/** Optional protocol features, offered in HELLO and agreed (the intersection) in WELCOME. */
public final class Features {
    private Features() {}

    /** The server may send NO_XATTRS frames on file-system connections. */
    public static final long NO_XATTRS_HINTS = 1;

    /** The server may send SUBMOUNTS frames: the mount points below the export, for the client to mirror. */
    public static final long SUBMOUNTS = 2;
    /** FIFOs are served as stream files: opened, read, written and polled on the server. */
    public static final long FIFO_STREAMS = 4;
}
