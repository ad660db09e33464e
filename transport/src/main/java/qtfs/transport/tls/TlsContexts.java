package qtfs.transport.tls;

import java.security.GeneralSecurityException;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * TLS settings for qtfs: TLS 1.3 only, both sides authenticated by certificates from the
 * server's CA. The server requires a client certificate; the client checks that the server's
 * certificate names the host or address it connected to. Expired or foreign certificates are
 * refused by the standard checks.
 */
public final class TlsContexts {
    private TlsContexts() {}

    public static final String PROTOCOL = "TLSv1.3";
    /** AES-128-GCM first: the fastest where the CPU has AES instructions (x86_64 AES-NI, ARMv8 crypto), which DPUs do. */
    private static final String[] CIPHER_SUITES = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"};

    /**
     * The context of a party holding {@code credential}: it presents the credential's
     * certificate and accepts peers whose certificates the credential's CA signed. The same
     * context serves either side; {@link #serverEngine} and {@link #clientEngine} set the role.
     */
    public static SSLContext context(Credential credential) {
        try {
            SSLContext context = SSLContext.getInstance(PROTOCOL);
            KeyManager keys = new CredentialKeyManager(credential);
            context.init(new KeyManager[] {keys}, new TrustManager[] {new CaTrustManager(credential.caCertificate())}, null);
            CipherWarmUp.startOnce(keys);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime has no " + PROTOCOL, e);
        }
    }

    /** A server-side engine of {@code context} with qtfs's settings (client certificate required). */
    public static SSLEngine serverEngine(SSLContext context) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters p = parameters(engine);
        p.setNeedClientAuth(true);
        engine.setSSLParameters(p);
        return engine;
    }

    /**
     * A client-side engine of {@code context} for a server reached as {@code host} (a name or
     * literal address, as given by the user) and {@code port}: the server's certificate must
     * name that host.
     */
    public static SSLEngine clientEngine(SSLContext context, String host, int port) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters p = parameters(engine);
        p.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(p);
        return engine;
    }

    /** {@code engine} in the role given, speaking what qtfs speaks, without checking the peer's name. */
    static SSLEngine withQtfsParameters(SSLEngine engine, boolean client) {
        engine.setUseClientMode(client);
        SSLParameters p = parameters(engine);
        p.setNeedClientAuth(!client);
        engine.setSSLParameters(p);
        return engine;
    }

    private static SSLParameters parameters(SSLEngine engine) {
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(new String[] {PROTOCOL});
        p.setCipherSuites(CIPHER_SUITES);
        p.setUseCipherSuitesOrder(true);
        return p;
    }
}
