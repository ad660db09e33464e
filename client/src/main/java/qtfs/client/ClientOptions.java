package qtfs.client;

import java.nio.file.Path;
import java.time.Duration;

import qtfs.transport.Address;
import qtfs.transport.ClientTls;

/**
 * How to mount a server directory.
 *
 * @param server       where qtfsd listens
 * @param serverPath   the directory on the server to mount (absolute; inside a [Mount] entry of its whitelist)
 * @param mountpoint   the local directory to mount it on
 * @param connections  connections to the server, used in parallel
 * @param fuseThreads  threads reading requests from the kernel
 * @param attrTimeout  how long the kernel may cache attributes
 * @param entryTimeout how long the kernel may cache name lookups
 * @param allowOther   let users other than the mounting one use the mount
 * @param readOnly     mount read-only
 * @param tls          for a TCP server: the TLS credential to present, or plain TCP when insecure
 * @param procMode     whether (and how) {@code self} and the client's own processes lead to the client's proc
 * @param localFifos   FIFOs stay local special files of the client (fifo=local) instead of stream files served by the server
 */
public record ClientOptions(Address server, String serverPath, Path mountpoint, int connections, int fuseThreads,
        Duration attrTimeout, Duration entryTimeout, boolean allowOther, boolean readOnly, ClientTls tls, ProcMode procMode,
        boolean localFifos) {
    public static final int DEFAULT_CONNECTIONS = 4;
    public static final int DEFAULT_FUSE_THREADS = 4;
    /** Long: qtfsd tells the client of every change made elsewhere (on file systems it can watch). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final int MAX_CONNECTIONS = 64;

    public ClientOptions {
        if (server == null) throw new IllegalArgumentException("server address missing");
        if (mountpoint == null) throw new IllegalArgumentException("mountpoint missing");
        if (serverPath == null || !serverPath.startsWith("/")) {
            throw new IllegalArgumentException("the server path must be absolute, not '" + serverPath + "'");
        }
        if (connections < 1 || connections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException("connections must be 1.." + MAX_CONNECTIONS + ", not " + connections);
        }
        if (fuseThreads < 1) throw new IllegalArgumentException("FUSE threads must be at least 1, not " + fuseThreads);
        if (attrTimeout == null || attrTimeout.isNegative()) throw new IllegalArgumentException("attr_timeout must not be negative: " + attrTimeout);
        if (entryTimeout == null || entryTimeout.isNegative()) throw new IllegalArgumentException("entry_timeout must not be negative: " + entryTimeout);
        if (tls == null) throw new IllegalArgumentException("TLS settings missing");
        if (procMode == null) throw new IllegalArgumentException("proc mode settings missing");
    }

    /** Without proc mode, FIFOs as stream files. */
    public ClientOptions(Address server, String serverPath, Path mountpoint, int connections, int fuseThreads,
            Duration attrTimeout, Duration entryTimeout, boolean allowOther, boolean readOnly, ClientTls tls) {
        this(server, serverPath, mountpoint, connections, fuseThreads, attrTimeout, entryTimeout, allowOther, readOnly, tls,
                ProcMode.OFF, false);
    }

    /** With TLS from {@link ClientTls#DEFAULT_CREDENTIAL} for a TCP server. */
    public ClientOptions(Address server, String serverPath, Path mountpoint, int connections, int fuseThreads,
            Duration attrTimeout, Duration entryTimeout, boolean allowOther, boolean readOnly) {
        this(server, serverPath, mountpoint, connections, fuseThreads, attrTimeout, entryTimeout, allowOther, readOnly, ClientTls.defaults());
    }

    /** Defaults for everything but the three places. */
    public static ClientOptions of(Address server, String serverPath, Path mountpoint) {
        return new ClientOptions(server, serverPath, mountpoint, DEFAULT_CONNECTIONS, DEFAULT_FUSE_THREADS, DEFAULT_TIMEOUT,
                DEFAULT_TIMEOUT, false, false);
    }
}
