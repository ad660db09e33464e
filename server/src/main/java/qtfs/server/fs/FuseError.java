package qtfs.server.fs;

/**
 * A request is answered with an errno without a system call having failed: malformed input,
 * an unknown handle, a denied operation. Carries no stack trace: it is an answer, not a bug.
 */
final class FuseError extends Exception {
    private static final long serialVersionUID = 1L;
    final int errno;

    FuseError(int errno, String reason) {
        super(reason, null, false, false);
        this.errno = errno;
    }
}
