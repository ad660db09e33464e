package qtfs.client;

import java.io.IOException;

/** qtfsd answered ATTACH with ERROR: the message is the server's reason. */
final class AttachException extends IOException {
    private static final long serialVersionUID = 1L;
    final int errno;

    AttachException(String message, int errno) {
        super(message);
        this.errno = errno;
    }
}
