package qtfs.transport;

import java.nio.file.Path;
import java.util.Objects;

import qtfs.transport.tls.TlsSetup;

/**
 * How a client connects over TCP: with TLS 1.3, presenting the credential in
 * {@code credential} (issued by the server's CA), or, when {@code insecure}, in plain TCP.
 * Unix and vsock connections do not use it.
 */
public record ClientTls(Path credential, boolean insecure) {
    /** Where a client keeps the credential issued to it: {@code /etc/qtfs/tls/client.pem}. */
    public static final Path DEFAULT_CREDENTIAL = TlsSetup.DEFAULT_DIR.resolve(TlsSetup.CLIENT_FILE);

    public ClientTls {
        Objects.requireNonNull(credential, "credential");
    }

    /** TLS with {@link #DEFAULT_CREDENTIAL}. */
    public static ClientTls defaults() {
        return new ClientTls(DEFAULT_CREDENTIAL, false);
    }

    public static ClientTls withCredential(Path credential) {
        return new ClientTls(credential, false);
    }

    /** Plain TCP: neither encrypted nor authenticated. */
    public static ClientTls plainTcp() {
        return new ClientTls(DEFAULT_CREDENTIAL, true);
    }
}
