package qtfs.transport.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts the certificates one CA signed, and nothing else. The checks are the JDK's own
 * (PKIX path validation, dates, key usage, and for a client the server's name); this class
 * runs the common failures first so that the refusal says, in words, what was wrong with
 * which certificate.
 */
final class CaTrustManager extends X509ExtendedTrustManager {
    private final X509Certificate ca;
    private final X509ExtendedTrustManager pkix;

    CaTrustManager(X509Certificate ca) {
        this.ca = ca;
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            anchors.setCertificateEntry("qtfs-ca", ca);
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(anchors);
            X509ExtendedTrustManager found = null;
            for (TrustManager t : factory.getTrustManagers()) {
                if (t instanceof X509ExtendedTrustManager x) found = x;
            }
            if (found == null) throw new IllegalStateException("the PKIX trust manager factory made no X.509 trust manager");
            this.pkix = found;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot set up certificate checks for CA " + Certificates.commonName(ca), e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, "client", () -> pkix.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, "server", () -> pkix.checkServerTrusted(chain, authType));
        try {
            // the chain is good: a failure now is the name check against the address connected to
            pkix.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            String host = engine == null ? null : engine.getPeerHost();
            throw new PeerCertificateException("server certificate " + Certificates.describe(chain[0]) + " is not valid for "
                    + (host == null ? "the address connected to" : "'" + host + "'") + ": it names "
                    + String.join(", ", Certificates.subjectAltNames(chain[0])), e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, "client", () -> pkix.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, "server", () -> pkix.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, "client", () -> pkix.checkClientTrusted(chain, authType));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, "server", () -> pkix.checkServerTrusted(chain, authType));
    }

    /** One of the JDK's checks, which may refuse the chain. */
    @FunctionalInterface
    private interface PkixCheck {
        void run() throws CertificateException;
    }

    /** The prechecks, then {@code validation}; a refusal by the latter names the certificate and the role. */
    private void check(X509Certificate[] chain, String role, PkixCheck validation) throws CertificateException {
        precheck(chain, role);
        try {
            validation.run();
        } catch (CertificateException e) {
            throw refused(chain, role, e);
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[] {ca};
    }

    /** The failures people actually meet, named plainly before the full validation runs. */
    private void precheck(X509Certificate[] chain, String role) throws CertificateException {
        if (chain == null || chain.length == 0) throw new PeerCertificateException("the " + role + " sent no certificate", null);
        X509Certificate leaf = chain[0];
        if (!Certificates.isIssuedBy(leaf, ca)) {
            throw new PeerCertificateException(role + " certificate " + Certificates.describe(leaf) + " is not signed by this side's CA '"
                    + Certificates.commonName(ca) + "'", null);
        }
        String problem = Certificates.validityProblem(leaf, Instant.now());
        if (problem != null) throw new PeerCertificateException(role + " certificate " + Certificates.describe(leaf) + " " + problem, null);
    }

    private static PeerCertificateException refused(X509Certificate[] chain, String role, CertificateException e) {
        return new PeerCertificateException(role + " certificate " + Certificates.describe(chain[0]) + " was refused: " + e.getMessage(), e);
    }
}
