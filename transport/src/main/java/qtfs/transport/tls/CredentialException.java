package qtfs.transport.tls;

import java.io.IOException;

/**
 * A TLS credential or CA file cannot be used. The message names the file and says what is
 * wrong with it: missing, readable by others, not PEM, expired, key and certificate apart.
 */
public final class CredentialException extends IOException {
    private static final long serialVersionUID = 1L;

    public CredentialException(String message) {
        super(message);
    }

    public CredentialException(String message, Throwable cause) {
        super(message, cause);
    }
}
