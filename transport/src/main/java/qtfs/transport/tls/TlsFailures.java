package qtfs.transport.tls;

import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * Turns the JDK's TLS exceptions into messages that say which peer, which certificate and
 * what to look at; the original exception stays attached as the cause.
 */
final class TlsFailures {
    private TlsFailures() {}

    private static final Pattern RECEIVED_ALERT = Pattern.compile("Received fatal alert: (\\w+)");
    /** Alerts a peer sends when it does not accept our certificate. */
    private static final Set<String> CERTIFICATE_ALERTS = Set.of("bad_certificate", "unsupported_certificate",
            "certificate_revoked", "certificate_expired", "certificate_unknown", "unknown_ca", "access_denied");
    private static final Set<String> NEGOTIATION_ALERTS = Set.of("protocol_version", "handshake_failure", "insufficient_security");

    /**
     * @param peer     the other end for messages, e.g. {@code "tcp:10.0.0.2:41234"}
     * @param client   whether this side is the client
     * @param session  this side's session (for the name of our own certificate), may be null
     */
    static IOException describe(SSLException e, String peer, boolean client, SSLSession session) {
        String other = client ? "server " + peer : "client " + peer;
        PeerCertificateException refusedByUs = find(e, PeerCertificateException.class);
        if (refusedByUs != null) return new IOException("TLS: refused " + other + ": " + refusedByUs.getMessage(), e);

        String message = String.valueOf(e.getMessage());
        Matcher received = RECEIVED_ALERT.matcher(message);
        if (received.find()) {
            String alert = received.group(1);
            if (client && alert.equals("certificate_required")) {
                return new IOException("TLS: " + other + " requires a client certificate, and none was sent", e);
            }
            if (CERTIFICATE_ALERTS.contains(alert)) {
                return new IOException("TLS: " + other + " refused " + ownCertificate(session, client) + " (alert " + alert
                        + "); its log says why", e);
            }
            if (NEGOTIATION_ALERTS.contains(alert)) return noCommonGround(other, e);
            return new IOException("TLS: " + other + " ended the connection with alert " + alert, e);
        }
        if (!client && message.contains("Empty client certificate chain")) {
            return new IOException("TLS: refused " + other + ": it sent no client certificate (a client needs a credential "
                    + "issued by this server's CA)", e);
        }
        if (message.contains("No appropriate protocol") || message.contains("no cipher suites in common")) return noCommonGround(other, e);
        return new IOException("TLS: connection with " + other + " failed: " + message, e);
    }

    private static IOException noCommonGround(String other, SSLException e) {
        return new IOException("TLS: " + other + " and this side have no TLS version or cipher in common (qtfs uses "
                + TlsContexts.PROTOCOL + "): " + e.getMessage(), e);
    }

    private static String ownCertificate(SSLSession session, boolean client) {
        String role = client ? "this client's" : "this server's";
        Certificate[] local = session == null ? null : session.getLocalCertificates();
        if (local != null && local.length > 0 && local[0] instanceof X509Certificate x) {
            return role + " certificate " + Certificates.describe(x);
        }
        return role + " certificate";
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) return type.cast(c);
        }
        return null;
    }
}
