package qtfs.server.daemon;

/** An ATTACH that cannot be granted; answered with an ERROR frame carrying the errno and message. */
final class AttachRefusedException extends Exception {
    private static final long serialVersionUID = 1L;
    final int errno;

    AttachRefusedException(int errno, String message) {
        super(message);
        this.errno = errno;
    }
}
