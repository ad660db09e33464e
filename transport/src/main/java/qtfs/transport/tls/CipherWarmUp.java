package qtfs.transport.tls;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Gets the JIT to compile the TLS record path (SSLEngine wrap and unwrap, AES-GCM with the
 * CPU's AES and carry-less multiply instructions) in the background, as soon as a process
 * sets TLS up. Until then records go through the interpreter at a few tens of MB/s, and the
 * first hundred MiB through a new mount would crawl: the JIT compiles a method only after
 * thousands of calls. Two engines of this process's credential talk to each other in memory
 * for a few thousand small records, about a quarter of a second of one core at low priority.
 */
final class CipherWarmUp {
    private CipherWarmUp() {}

    private static final AtomicBoolean STARTED = new AtomicBoolean();
    /** Small records take the same code path as full 16 KiB ones, at a fraction of the interpreted cost. */
    private static final int RECORD = 512;
    private static final int ROUNDS = 6000;

    /** Starts the warm-up once per process with {@code keys} (the process's credential); returns at once. */
    static void startOnce(KeyManager keys) {
        if (!STARTED.compareAndSet(false, true)) return;
        Thread.ofPlatform().name("qtfs-tls-warm-up").daemon().priority(Thread.MIN_PRIORITY).start(() -> run(keys));
    }

    private static void run(KeyManager keys) {
        try {
            // nothing leaves this thread: the engines trust each other without looking
            SSLContext context = SSLContext.getInstance(TlsContexts.PROTOCOL);
            context.init(new KeyManager[] {keys}, new TrustManager[] {new TrustEachOther()}, null);
            SSLEngine client = TlsContexts.withQtfsParameters(context.createSSLEngine(), true);
            SSLEngine server = TlsContexts.withQtfsParameters(context.createSSLEngine(), false);
            int packet = client.getSession().getPacketBufferSize();
            int app = client.getSession().getApplicationBufferSize();
            ByteBuffer toServer = ByteBuffer.allocate(packet), toClient = ByteBuffer.allocate(packet);
            ByteBuffer plain = ByteBuffer.allocate(RECORD);
            // records are decrypted into heap and into direct buffers (see TlsChannel)
            ByteBuffer[] opened = {ByteBuffer.allocate(app), ByteBuffer.allocateDirect(app)};
            client.beginHandshake();
            server.beginHandshake();
            for (int i = 0; i < 100 && handshaking(client, server); i++) {
                exchange(client, toServer, server, opened[0]);
                exchange(server, toClient, client, opened[0]);
            }
            for (int i = 0; i < ROUNDS && !handshaking(client, server); i++) {
                exchange(client, plain.clear(), toServer, server, opened[i & 1]);
                exchange(server, plain.clear(), toClient, client, opened[i & 1]);
            }
        } catch (GeneralSecurityException | SSLException | RuntimeException e) {
            // only a speed-up: TLS works the same without it
        }
    }

    private static boolean handshaking(SSLEngine a, SSLEngine b) {
        return a.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                || b.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;
    }

    /** One handshake step: what {@code from} has to send goes to {@code to}. */
    private static void exchange(SSLEngine from, ByteBuffer net, SSLEngine to, ByteBuffer scratch) throws SSLException {
        exchange(from, ByteBuffer.allocate(0), net, to, scratch);
    }

    private static void exchange(SSLEngine from, ByteBuffer data, ByteBuffer net, SSLEngine to, ByteBuffer scratch) throws SSLException {
        runTasks(from);
        net.clear();
        from.wrap(data, net);
        net.flip();
        while (net.hasRemaining()) {
            SSLEngineResult r = to.unwrap(net, scratch.clear());
            runTasks(to);
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) break;
        }
        runTasks(to);
    }

    private static void runTasks(SSLEngine engine) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) task.run();
    }

    private static final class TrustEachOther implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
