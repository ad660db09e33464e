package qtfs.client;

/**
 * A request that cannot go to the server as it stands: it names a node or open file that
 * did not survive a server restart (answered with {@code errno}), or releases an open file
 * the server no longer has (errno 0: answered as done).
 */
final class NotServable extends Exception {
    final int errno;

    NotServable(int errno, String message) {
        super(message, null, false, false);
        this.errno = errno;
    }
}
