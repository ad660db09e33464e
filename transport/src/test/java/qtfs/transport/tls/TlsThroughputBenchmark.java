package qtfs.transport.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import javax.net.ssl.SSLContext;

/**
 * Sequential throughput over loopback, plain TCP against TLS, in 1 MiB frames (a 24-byte
 * header and a payload in one gathering write, as qtfs sends them). Prints MB/s; not a test.
 *
 * <p>Run: {@code java -cp <test classpath> qtfs.transport.tls.TlsThroughputBenchmark [MiB] [rounds]}
 */
public final class TlsThroughputBenchmark {
    private static final int FRAME = 1 << 20, HEADER = 24;

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        CertificateAuthority ca = CertificateAuthority.create("bench");
        SSLContext server = TlsContexts.context(ca.issueServer("bench", List.of()));
        SSLContext client = TlsContexts.context(ca.issueClient("bench-client"));
        for (int round = 1; round <= rounds; round++) {
            long cpu0 = processCpuNanos();
            double plain = run(mib, null, null);
            long cpu1 = processCpuNanos();
            double tls = run(mib, server, client);
            long cpu2 = processCpuNanos();
            System.out.printf("round %d: %d MiB  plain TCP %.0f MB/s (%.2f CPU s)  TLS %.0f MB/s (%.2f CPU s)  TLS/plain %.0f%%%n",
                    round, mib, plain, (cpu1 - cpu0) / 1e9, tls, (cpu2 - cpu1) / 1e9, 100 * tls / plain);
        }
    }

    /** CPU time of the whole process (both ends, plus JIT and GC), which load from other processes does not inflate. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** MB/s of sending {@code mib} MiB from a client to a server that reads it all; TLS when the contexts are given. */
    private static double run(long mib, SSLContext serverContext, SSLContext clientContext) throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            long total = mib * FRAME;
            CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel raw = listener.accept()) {
                    raw.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    ByteChannel in = serverContext == null ? raw
                            : TlsChannel.handshakeAsServer(raw, serverContext, "bench", Duration.ofSeconds(10));
                    ByteBuffer buffer = ByteBuffer.allocateDirect(FRAME + (64 << 10));
                    long got = 0;
                    while (got < total) {
                        int n = in.read(buffer.clear());
                        if (n < 0) throw new IOException("end of stream after " + got);
                        got += n;
                    }
                    return System.nanoTime();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, Thread::startVirtualThread);
            try (SocketChannel raw = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                raw.setOption(StandardSocketOptions.TCP_NODELAY, true);
                GatheringByteChannel out = clientContext == null ? raw
                        : TlsChannel.handshakeAsClient(raw, clientContext, "127.0.0.1", port, "bench", Duration.ofSeconds(10));
                ByteBuffer header = ByteBuffer.allocateDirect(HEADER);
                ByteBuffer payload = ByteBuffer.allocateDirect(FRAME - HEADER);
                ByteBuffer[] frame = {header, payload};
                long start = System.nanoTime();
                for (long sent = 0; sent < total; sent += FRAME) {
                    header.clear();
                    payload.clear();
                    out.write(frame);
                }
                long end = received.get();
                return total / ((end - start) / 1e9) / 1e6;
            }
        }
    }
}
