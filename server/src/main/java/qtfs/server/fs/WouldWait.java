package qtfs.server.fs;

/**
 * A request served by {@link FileSystemSession#handleWithoutWaiting} would have to wait (a read
 * of data not in the page cache). Not an error: the caller serves it again where waiting is
 * fine. One shared instance, no stack trace.
 */
final class WouldWait extends Exception {
    private static final long serialVersionUID = 1L;
    static final WouldWait INSTANCE = new WouldWait();

    private WouldWait() {
        super("would wait", null, false, false);
    }
}
