package qtfs.fuse.proto;

/**
 * What a FUSE_INIT exchange settled: the protocol minor version, the capability flags both
 * sides agreed on ({@link InitFlags}), and the size limits. The client learns it from the
 * kernel and tells the server, whose reply layouts depend on it.
 */
public record InitParams(int major, int minor, long flags, int maxWrite, int maxReadahead, int maxPages, int timeGran) {
    public boolean has(long flag) {
        return (flags & flag) != 0;
    }
}
