package qtfs.server.whitelist;

/** The whitelist file is unusable; the message names the file and line: {@code "FILE:LINE: reason"}. */
public final class WhitelistException extends Exception {
    private static final long serialVersionUID = 1L;

    public WhitelistException(String message) {
        super(message);
    }
}
