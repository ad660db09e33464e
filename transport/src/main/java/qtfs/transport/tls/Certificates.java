package qtfs.transport.tls;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** What messages and checks need to know about certificates: names, dates, issuers. */
final class Certificates {
    private Certificates() {}

    private static final int SAN_DNS = 2, SAN_IP = 7;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /** A new EC P-256 key pair: small, fast to sign and verify, accepted by every TLS 1.3 peer. */
    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot make EC P-256 keys", e);
        }
    }

    /** The subject's CN (for qtfs client certificates: the client's name), or the whole subject if it has none. */
    static String commonName(X509Certificate certificate) {
        return cn(certificate.getSubjectX500Principal().getName());
    }

    static String issuerName(X509Certificate certificate) {
        return cn(certificate.getIssuerX500Principal().getName());
    }

    /** "'dpu1' (issued by 'qtfs CA host1')", for messages. */
    static String describe(X509Certificate certificate) {
        return "'" + commonName(certificate) + "' (issued by '" + issuerName(certificate) + "')";
    }

    private static String cn(String distinguishedName) {
        try {
            for (Rdn rdn : new LdapName(distinguishedName).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) return rdn.getValue().toString();
            }
        } catch (InvalidNameException e) {
            // fall through to the whole name
        }
        return distinguishedName;
    }

    /** The DNS names and IP addresses a certificate is valid for: "localhost, 127.0.0.1, ::1". */
    static List<String> subjectAltNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> all = certificate.getSubjectAlternativeNames();
            if (all == null) return names;
            for (List<?> entry : all) {
                int type = (Integer) entry.get(0);
                if (type == SAN_DNS || type == SAN_IP) names.add(String.valueOf(entry.get(1)));
            }
        } catch (CertificateParsingException e) {
            // a certificate whose names cannot be read simply names nothing
        }
        return names;
    }

    static String date(Instant instant) {
        return DATE.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** Whether {@code certificate} carries {@code issuer}'s name and signature. */
    static boolean isIssuedBy(X509Certificate certificate, X509Certificate issuer) {
        if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) return false;
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * Why {@code certificate} cannot be used at {@code now}, or null when it can:
     * "expired on 2024-05-01 12:00:00 UTC".
     */
    static String validityProblem(X509Certificate certificate, Instant now) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        Instant notBefore = certificate.getNotBefore().toInstant();
        if (now.isAfter(notAfter)) return "expired on " + date(notAfter);
        if (now.isBefore(notBefore)) return "is not valid before " + date(notBefore) + " (is this machine's clock right?)";
        return null;
    }

    /** A literal IPv4 or IPv6 address (never a name to look up). */
    static boolean isIpLiteral(String text) {
        if (text.indexOf(':') >= 0) return text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) return false;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) return false;
        }
        return true;
    }
}
