package qtfs.transport.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * One party's TLS identity: its private key, its certificate, and the certificate of the CA
 * that signed it (which is also the only CA it trusts for its peers). Stored as one PEM file,
 * mode 0600, that is easy to copy: the PKCS#8 key, the party's certificate, the CA's.
 */
public final class Credential {
    private final PrivateKey privateKey;
    private final X509Certificate certificate;
    private final X509Certificate caCertificate;

    Credential(PrivateKey privateKey, X509Certificate certificate, X509Certificate caCertificate) {
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.caCertificate = caCertificate;
    }

    /**
     * Reads a credential file and checks it: private to its owner, a key that belongs to the
     * certificate, a certificate signed by the CA certificate beside it, both valid today.
     * The exception message names the file and the problem.
     */
    public static Credential load(Path file) throws CredentialException {
        KeyAndCertificates contents = KeyAndCertificates.read(file);
        List<X509Certificate> certificates = contents.certificates();
        if (certificates.size() != 2) {
            throw new CredentialException("TLS credential " + file + " holds " + certificates.size() + " certificate"
                    + (certificates.size() == 1 ? "" : "s") + "; expected two: its own, then its CA's");
        }
        X509Certificate own = certificates.get(0);
        X509Certificate ca = certificates.get(1);
        if (ca.getBasicConstraints() < 0 || !Certificates.isIssuedBy(ca, ca)) {
            throw new CredentialException("TLS credential " + file + ": its second certificate " + Certificates.describe(ca)
                    + " is not a self-signed CA certificate");
        }
        if (!Certificates.isIssuedBy(own, ca)) {
            throw new CredentialException("TLS credential " + file + ": its certificate " + Certificates.describe(own)
                    + " is not signed by the CA certificate in the file ('" + Certificates.commonName(ca) + "')");
        }
        Instant now = Instant.now();
        String problem = Certificates.validityProblem(own, now);
        if (problem != null) {
            throw new CredentialException("TLS credential " + file + ": certificate " + Certificates.describe(own) + " " + problem);
        }
        problem = Certificates.validityProblem(ca, now);
        if (problem != null) {
            throw new CredentialException("TLS credential " + file + ": CA certificate '" + Certificates.commonName(ca) + "' " + problem);
        }
        return new Credential(contents.key(), own, ca);
    }

    /**
     * Writes the credential to {@code file} with mode 0600 (creating missing directories,
     * private to the owner). Comment lines at the top say whose it is and until when.
     */
    public void save(Path file, boolean replaceExisting) throws CredentialException {
        List<String> comment = List.of(
                "qtfs TLS credential of '" + name() + "', issued by '" + Certificates.commonName(caCertificate) + "'",
                "valid until " + Certificates.date(notAfter()) + "; holds a private key: keep it mode 0600");
        PemFile.writePrivate(file, PemFile.format(comment,
                new KeyAndCertificates(privateKey, List.of(certificate, caCertificate)).blocks()), replaceExisting);
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA that signed this credential, and the one CA whose certificates this party accepts from peers. */
    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /** Who this credential identifies: the certificate's CN (a client's name, a server's host name). */
    public String name() {
        return Certificates.commonName(certificate);
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    /** The DNS names and IP addresses in the certificate (what a server may be called by its clients). */
    public List<String> subjectAltNames() {
        return Certificates.subjectAltNames(certificate);
    }

    @Override
    public String toString() {
        return "TLS credential " + Certificates.describe(certificate);
    }
}
