package qtfs.fuse;

import java.nio.file.Path;

/** A FUSE file system could not be mounted; the message names the mountpoint and the reason. */
public final class FuseMountException extends Exception {
    private static final long serialVersionUID = 1L;

    public FuseMountException(String message) {
        super(message);
    }

    public FuseMountException(String message, Throwable cause) {
        super(message, cause);
    }

    static FuseMountException at(Path mountpoint, String reason) {
        return new FuseMountException("cannot mount on " + mountpoint + ": " + reason);
    }

    static FuseMountException at(Path mountpoint, String reason, Throwable cause) {
        return new FuseMountException("cannot mount on " + mountpoint + ": " + reason, cause);
    }
}
