package qtfs.fuse;

/** A FUSE file system could not be mounted; the message names the mountpoint and the reason. */
public final class FuseMountException extends Exception {
    private static final long serialVersionUID = 1L;

    public FuseMountException(String message) {
        super(message);
    }

    public FuseMountException(String message, Throwable cause) {
        super(message, cause);
    }
}
