package qtfs.server.daemon;

import java.nio.file.Path;
import java.util.List;

import qtfs.transport.AcceptPolicy;
import qtfs.transport.Address;
import qtfs.wire.FrameHeader;

/**
 * How qtfsd runs.
 *
 * @param listen         addresses to accept connections on (at least one)
 * @param whitelistFile  the whitelist; qtfsd refuses to start without a [Mount] entry in it
 * @param workerThreads  platform threads serving file-system requests (credential switches are per OS thread)
 * @param maxConnections connections served at once; more are refused
 * @param maxFrameSize   largest frame accepted; it bounds the clients' max write (frame size minus 64 KiB)
 * @param runDir         holds the single-instance lock {@code qtfsd.lock}
 * @param acceptPolicy   whom the listeners accept: TLS credentials for TCP (or plain TCP), uids on unix sockets, CIDs on vsock
 * @param limits         what one client may hold: open handles, requests in flight and their memory per connection
 */
public record QtfsdConfig(List<Address> listen, Path whitelistFile, int workerThreads, int maxConnections,
        int maxFrameSize, Path runDir, AcceptPolicy acceptPolicy, ClientLimits limits) {
    public static final Address DEFAULT_LISTEN = Address.parse("unix:/run/qtfs/qtfsd.sock");
    public static final Path DEFAULT_WHITELIST = Path.of("/etc/qtfs/whitelist");
    public static final int DEFAULT_WORKER_THREADS = 16;
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    public static final Path DEFAULT_RUN_DIR = Path.of("/run/qtfs");
    /** Room in a frame beyond the data of a WRITE or READ: FUSE headers, groups, frame header. */
    public static final int FRAME_HEADROOM = 64 << 10;
    public static final int MAX_WORKER_THREADS = 1024;

    public QtfsdConfig {
        listen = List.copyOf(listen);
        if (listen.isEmpty()) throw new IllegalArgumentException("qtfsd needs at least one address to listen on");
        if (whitelistFile == null) throw new IllegalArgumentException("whitelist file missing");
        if (runDir == null) throw new IllegalArgumentException("run directory missing");
        if (acceptPolicy == null) throw new IllegalArgumentException("accept policy missing");
        if (limits == null) throw new IllegalArgumentException("client limits missing");
        acceptPolicy.checkCovers(listen);
        if (workerThreads < 1 || workerThreads > MAX_WORKER_THREADS) {
            throw new IllegalArgumentException("worker threads must be 1.." + MAX_WORKER_THREADS + ", not " + workerThreads);
        }
        if (maxConnections < 1) throw new IllegalArgumentException("max connections must be at least 1, not " + maxConnections);
        if (maxFrameSize < FRAME_HEADROOM + 4096 || maxFrameSize > (64 << 20) + FRAME_HEADROOM) {
            throw new IllegalArgumentException("max frame size must be " + (FRAME_HEADROOM + 4096) + ".." + ((64 << 20) + FRAME_HEADROOM)
                    + " bytes, not " + maxFrameSize);
        }
    }

    /** With the default {@link ClientLimits}. */
    public QtfsdConfig(List<Address> listen, Path whitelistFile, int workerThreads, int maxConnections, int maxFrameSize, Path runDir,
                       AcceptPolicy acceptPolicy) {
        this(listen, whitelistFile, workerThreads, maxConnections, maxFrameSize, runDir, acceptPolicy, ClientLimits.defaults());
    }

    /** With the default accept policy ({@link AcceptPolicy#defaults()}: TLS from /etc/qtfs/tls, root only on unix sockets). */
    public QtfsdConfig(List<Address> listen, Path whitelistFile, int workerThreads, int maxConnections, int maxFrameSize, Path runDir) {
        this(listen, whitelistFile, workerThreads, maxConnections, maxFrameSize, runDir, AcceptPolicy.defaults());
    }

    /** The defaults: {@code unix:/run/qtfs/qtfsd.sock}, {@code /etc/qtfs/whitelist}, 16 workers, {@code /run/qtfs}. */
    public static QtfsdConfig defaults() {
        return new QtfsdConfig(List.of(DEFAULT_LISTEN), DEFAULT_WHITELIST, DEFAULT_WORKER_THREADS, DEFAULT_MAX_CONNECTIONS,
                FrameHeader.DEFAULT_MAX_FRAME_SIZE, DEFAULT_RUN_DIR);
    }

    /** The largest FUSE max_write a client may attach with. */
    public int maxWrite() {
        return (maxFrameSize - FRAME_HEADROOM) & ~4095;
    }
}
