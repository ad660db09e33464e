package qtfs.transport.tls;

import java.security.cert.CertificateException;

/** A peer's certificate was refused; the message says whose and why, ready for a log line. */
final class PeerCertificateException extends CertificateException {
    private static final long serialVersionUID = 1L;

    PeerCertificateException(String message, Throwable cause) {
        super(message, cause);
    }
}
