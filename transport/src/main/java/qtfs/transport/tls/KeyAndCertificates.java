package qtfs.transport.tls;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The contents of a qtfs TLS file: one PKCS#8 private key and the certificates that go with
 * it, the key's own first. Reading checks that the key belongs to the first certificate.
 */
record KeyAndCertificates(PrivateKey key, List<X509Certificate> certificates) {
    static final String PRIVATE_KEY = "PRIVATE KEY", CERTIFICATE = "CERTIFICATE";

    static KeyAndCertificates read(Path file) throws CredentialException {
        List<PemFile.Block> blocks = PemFile.readPrivate(file);
        List<X509Certificate> certificates = new ArrayList<>();
        byte[] keyDer = null;
        for (PemFile.Block b : blocks) {
            switch (b.type()) {
                case CERTIFICATE -> certificates.add(certificate(file, b.der()));
                case PRIVATE_KEY -> {
                    if (keyDer != null) throw new CredentialException("TLS file " + file + " holds more than one private key");
                    keyDer = b.der();
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new CredentialException("TLS file " + file
                        + " holds an encrypted private key; qtfs needs it unencrypted (the file itself is private)");
                case "EC PRIVATE KEY", "RSA PRIVATE KEY" -> throw new CredentialException("TLS file " + file + " holds an "
                        + b.type() + "; qtfs reads PKCS#8 keys (-----BEGIN PRIVATE KEY-----): convert it with 'openssl pkcs8 -topk8 -nocrypt'");
                default -> throw new CredentialException("TLS file " + file + " holds a PEM block of type " + b.type()
                        + "; expected one PRIVATE KEY and CERTIFICATE blocks");
            }
        }
        if (keyDer == null) throw new CredentialException("TLS file " + file + " holds no private key (-----BEGIN PRIVATE KEY-----)");
        if (certificates.isEmpty()) throw new CredentialException("TLS file " + file + " holds no certificate (-----BEGIN CERTIFICATE-----)");
        X509Certificate own = certificates.getFirst();
        PrivateKey key = privateKey(file, keyDer, own.getPublicKey().getAlgorithm());
        if (!belongTogether(key, own)) {
            throw new CredentialException("TLS file " + file + ": its private key does not belong to its first certificate "
                    + Certificates.describe(own));
        }
        return new KeyAndCertificates(key, List.copyOf(certificates));
    }

    List<PemFile.Block> blocks() {
        List<PemFile.Block> blocks = new ArrayList<>();
        blocks.add(new PemFile.Block(PRIVATE_KEY, key.getEncoded()));
        try {
            for (X509Certificate c : certificates) blocks.add(new PemFile.Block(CERTIFICATE, c.getEncoded()));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("a certificate read or made here cannot be encoded", e);
        }
        return blocks;
    }

    private static X509Certificate certificate(Path file, byte[] der) throws CredentialException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | ClassCastException e) {
            throw new CredentialException("TLS file " + file + " holds a CERTIFICATE block that is not an X.509 certificate: "
                    + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file, byte[] der, String algorithm) throws CredentialException {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new CredentialException("TLS file " + file + " holds a PRIVATE KEY block that is not a PKCS#8 " + algorithm
                    + " key: " + e.getMessage(), e);
        }
    }

    /** Signs a random challenge with the key and checks it with the certificate's public key. */
    private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448 name their own signature
        };
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
