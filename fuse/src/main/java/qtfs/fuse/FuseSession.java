package qtfs.fuse;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;

import qtfs.fuse.proto.InitFlags;
import qtfs.fuse.proto.InitParams;

/**
 * One mounted FUSE file system: the /dev/fuse descriptor, the threads that read requests
 * from it, and the INIT exchange. Requests go to a {@link FuseHandler}.
 */
public final class FuseSession implements AutoCloseable {

    /** INIT capabilities a network file system wants by default (no writeback cache, no local ACLs, umask applied by the kernel). */
    public static final long DEFAULT_INIT_FLAGS = InitFlags.ASYNC_READ | InitFlags.POSIX_LOCKS
            | InitFlags.ATOMIC_O_TRUNC | InitFlags.BIG_WRITES | InitFlags.FLOCK_LOCKS
            | InitFlags.AUTO_INVAL_DATA | InitFlags.DO_READDIRPLUS | InitFlags.READDIRPLUS_AUTO
            | InitFlags.ASYNC_DIO | InitFlags.PARALLEL_DIROPS | InitFlags.HANDLE_KILLPRIV_V2
            | InitFlags.MAX_PAGES | InitFlags.CACHE_SYMLINKS | InitFlags.SETXATTR_EXT
            | InitFlags.EXPORT_SUPPORT;

    private FuseSession() {}

    public static FuseSession mount(FuseMountOptions options, FuseHandler handler) throws FuseMountException {
        throw new UnsupportedOperationException("not yet");
    }

    /** Starts {@code options.threads()} platform threads that read and dispatch requests. */
    public void start() {
        throw new UnsupportedOperationException("not yet");
    }

    public InitParams awaitInit(Duration timeout) throws FuseMountException, InterruptedException {
        throw new UnsupportedOperationException("not yet");
    }

    public void awaitExit() throws InterruptedException {
        throw new UnsupportedOperationException("not yet");
    }

    public void reply(MemorySegment message) {
        throw new UnsupportedOperationException("not yet");
    }

    public void replyError(long unique, int errno) {
        throw new UnsupportedOperationException("not yet");
    }

    public Path mountpoint() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("not yet");
    }
}
