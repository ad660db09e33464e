package qtfs.server.daemon;

/** qtfsd cannot start (bad whitelist, another instance, an address in use); the message says why. */
public final class QtfsdException extends Exception {
    private static final long serialVersionUID = 1L;

    public QtfsdException(String message) {
        super(message);
    }

    public QtfsdException(String message, Throwable cause) {
        super(message, cause);
    }
}
