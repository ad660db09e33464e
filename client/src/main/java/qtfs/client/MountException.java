package qtfs.client;

/** A mount could not be made; the message names what was mounted where and why it failed. */
public final class MountException extends Exception {
    private static final long serialVersionUID = 1L;

    public MountException(String message) {
        super(message);
    }

    public MountException(String message, Throwable cause) {
        super(message, cause);
    }
}
