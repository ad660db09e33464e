package qtfs.transport.tls;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The small certificate authority a qtfs server keeps for itself: an EC P-256 key and a
 * self-signed certificate. It issues the server's certificate and one certificate per
 * client; both sides trust this CA and nothing else. Its file (key and certificate) stays on
 * the server.
 */
public final class CertificateAuthority {
    public static final Duration CA_VALIDITY = Duration.ofDays(3653);
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(5 * 365 + 1);
    /** Server names every server certificate carries, so that local clients can always connect. */
    public static final List<String> LOCAL_NAMES = List.of("localhost", "127.0.0.1", "::1");
    /** Certificates start a little in the past, so that a peer whose clock is behind accepts them. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PrivateKey key;
    private final X509Certificate certificate;

    private CertificateAuthority(PrivateKey key, X509Certificate certificate) {
        this.key = key;
        this.certificate = certificate;
    }

    /** A new CA named "qtfs CA {@code hostname}", valid for ten years. */
    public static CertificateAuthority create(String hostname) {
        Instant now = Instant.now();
        KeyPair pair = Certificates.newKeyPair();
        X500Principal name = new X500Principal("CN=" + rdnValue("qtfs CA " + hostname));
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(CLOCK_SKEW)),
                    Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(pair.getPrivate(), sign(builder, pair.getPrivate()));
        } catch (CertIOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot build a CA certificate", e);
        }
    }

    /** Reads a CA file written by {@link #save}: its key and its self-signed certificate. */
    public static CertificateAuthority load(Path file) throws CredentialException {
        KeyAndCertificates contents = KeyAndCertificates.read(file);
        if (contents.certificates().size() != 1) {
            throw new CredentialException("TLS CA file " + file + " holds " + contents.certificates().size()
                    + " certificates; expected only the CA's own");
        }
        X509Certificate certificate = contents.certificates().getFirst();
        if (certificate.getBasicConstraints() < 0 || !Certificates.isIssuedBy(certificate, certificate)) {
            throw new CredentialException("TLS CA file " + file + ": certificate " + Certificates.describe(certificate)
                    + " is not a self-signed CA certificate");
        }
        String problem = Certificates.validityProblem(certificate, Instant.now());
        if (problem != null) {
            throw new CredentialException("TLS CA file " + file + ": CA certificate '" + Certificates.commonName(certificate) + "' " + problem);
        }
        return new CertificateAuthority(contents.key(), certificate);
    }

    /** Writes the CA's key and certificate to {@code file}, mode 0600. Keep it on the server only. */
    public void save(Path file, boolean replaceExisting) throws CredentialException {
        List<String> comment = List.of(
                "qtfs certificate authority '" + Certificates.commonName(certificate) + "', valid until "
                        + Certificates.date(certificate.getNotAfter().toInstant()),
                "holds the key that issues server and client certificates: keep it on the server, mode 0600");
        PemFile.writePrivate(file, PemFile.format(comment, new KeyAndCertificates(key, List.of(certificate)).blocks()), replaceExisting);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public String name() {
        return Certificates.commonName(certificate);
    }

    /**
     * A server credential for {@code hostname} (its CN). The certificate names the DNS names
     * and IP addresses in {@code names} (literal addresses become IP entries) and
     * {@link #LOCAL_NAMES}: a client checks that the address it connected to is among them.
     */
    public Credential issueServer(String hostname, List<String> names) {
        Set<String> all = new LinkedHashSet<>();
        all.add(hostname);
        all.addAll(names);
        all.addAll(LOCAL_NAMES);
        Instant now = Instant.now();
        return issue(hostname, KeyPurposeId.id_kp_serverAuth, new ArrayList<>(all), now.minus(CLOCK_SKEW), now.plus(DEFAULT_VALIDITY));
    }

    /** A client credential whose CN is {@code name}: the identity the server sees for this client. */
    public Credential issueClient(String name) {
        Instant now = Instant.now();
        return issueClient(name, now.minus(CLOCK_SKEW), now.plus(DEFAULT_VALIDITY));
    }

    /** A client credential valid from {@code notBefore} to {@code notAfter} (cut at the CA's own end). */
    public Credential issueClient(String name, Instant notBefore, Instant notAfter) {
        return issue(name, KeyPurposeId.id_kp_clientAuth, List.of(), notBefore, notAfter);
    }

    /** A server credential valid from {@code notBefore} to {@code notAfter}, naming only {@code names}. */
    public Credential issueServer(String hostname, List<String> names, Instant notBefore, Instant notAfter) {
        return issue(hostname, KeyPurposeId.id_kp_serverAuth, names, notBefore, notAfter);
    }

    private Credential issue(String commonName, KeyPurposeId purpose, List<String> names, Instant notBefore, Instant notAfter) {
        if (commonName.isBlank()) throw new IllegalArgumentException("a certificate needs a name");
        Instant caEnd = certificate.getNotAfter().toInstant();
        if (notAfter.isAfter(caEnd)) notAfter = caEnd;
        KeyPair pair = Certificates.newKeyPair();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate.getSubjectX500Principal(), serial(),
                    Date.from(notBefore), Date.from(notAfter), new X500Principal("CN=" + rdnValue(commonName)), pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(certificate));
            if (!names.isEmpty()) builder.addExtension(Extension.subjectAlternativeName, false, generalNames(names));
            return new Credential(pair.getPrivate(), sign(builder, key), certificate);
        } catch (CertIOException | java.security.NoSuchAlgorithmException | java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("cannot build a certificate for " + commonName, e);
        }
    }

    private static GeneralNames generalNames(List<String> names) {
        List<GeneralName> entries = new ArrayList<>();
        for (String n : names) {
            if (Certificates.isIpLiteral(n)) {
                try {
                    // a literal: no lookup happens
                    entries.add(new GeneralName(GeneralName.iPAddress, new org.bouncycastle.asn1.DEROctetString(InetAddress.getByName(n).getAddress())));
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException("'" + n + "' is not a valid IP address", e);
                }
            } else {
                if (n.isEmpty() || !n.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '*')) {
                    throw new IllegalArgumentException("'" + n + "' is neither a DNS name nor an IP address");
                }
                entries.add(new GeneralName(GeneralName.dNSName, n));
            }
        }
        return new GeneralNames(entries.toArray(GeneralName[]::new));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
        } catch (OperatorCreationException | CertificateException e) {
            throw new IllegalStateException("cannot sign a certificate with " + SIGNATURE, e);
        }
    }

    /** A random positive 128-bit serial number, unique without any bookkeeping. */
    private static BigInteger serial() {
        return new BigInteger(128, RANDOM).setBit(127);
    }

    /** Escapes the characters that are special in a distinguished name. */
    private static String rdnValue(String value) {
        return javax.naming.ldap.Rdn.escapeValue(value);
    }

    @Override
    public String toString() {
        return "qtfs CA '" + name() + "'";
    }
}
