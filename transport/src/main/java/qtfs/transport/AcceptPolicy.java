package qtfs.transport;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import qtfs.sys.AllowedCids;
import qtfs.transport.tls.TlsSetup;

/**
 * Whom a server's listeners accept, per kind of address:
 * <ul>
 * <li>TCP: TLS 1.3 clients holding a certificate from the CA in {@code tlsDir} (the server's
 *     own credential is {@code tlsDir/server.pem}); plain TCP only when {@code insecureTcp}.</li>
 * <li>unix sockets: the users in {@code allowedUids} (root by default).</li>
 * <li>vsock: the CIDs in {@code allowedCids}; a server without it cannot listen on vsock.</li>
 * </ul>
 */
public record AcceptPolicy(Path tlsDir, boolean insecureTcp, AllowedUids allowedUids, Optional<AllowedCids> allowedCids) {

    public AcceptPolicy {
        Objects.requireNonNull(tlsDir, "tlsDir");
        Objects.requireNonNull(allowedUids, "allowedUids");
        Objects.requireNonNull(allowedCids, "allowedCids");
    }

    /** TLS from {@code /etc/qtfs/tls}, root only on unix sockets, no vsock peers. */
    public static AcceptPolicy defaults() {
        return new AcceptPolicy(TlsSetup.DEFAULT_DIR, false, AllowedUids.ROOT, Optional.empty());
    }

    public Path serverCredential() {
        return tlsDir.resolve(TlsSetup.SERVER_FILE);
    }

    /**
     * Checks that the policy says whom to accept on each of {@code addresses}; the
     * IllegalArgumentException names the address and the option that is missing.
     */
    public void checkCovers(List<Address> addresses) {
        for (Address a : addresses) {
            if (a instanceof Address.Vsock && allowedCids.isEmpty()) {
                throw new IllegalArgumentException("cannot listen on " + a + " without " + AllowedCids.OPTION
                        + ": qtfsd accepts vsock connections only from the CIDs it is told to (e.g. " + AllowedCids.OPTION
                        + " 3, or " + AllowedCids.OPTION + " any)");
            }
        }
    }
}
