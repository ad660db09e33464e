package qtfs.server.fs;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import qtfs.sys.FileIo;

/**
 * An open file or directory handle (the FUSE {@code fh}): a real descriptor of the inode,
 * opened with the client's flags. Counted like {@link Inode}: the table holds one use until
 * RELEASE, each request using the handle holds another, and the descriptor closes when the
 * last lets go. The handle keeps its inode in use meanwhile.
 */
final class OpenFile {
    final long fh;
    final int fd;
    final Inode inode;
    final boolean directory;
    /** Serialises seek + getdents on a directory handle. */
    final ReentrantLock readdirLock;

    private final AtomicInteger uses = new AtomicInteger(1);
    /** Lock owners that set POSIX locks through this handle and have not closed it since; null until the first. */
    private volatile Set<Long> lockOwners;

    /** Takes over {@code fd} and one use of {@code inode}. */
    OpenFile(long fh, int fd, Inode inode, boolean directory) {
        this.fh = fh;
        this.fd = fd;
        this.inode = inode;
        this.directory = directory;
        this.readdirLock = directory ? new ReentrantLock() : null;
    }

    /** {@code owner} set a POSIX lock through this handle. */
    void lockedBy(long owner) {
        Set<Long> owners = lockOwners;
        if (owners == null) {
            synchronized (this) {
                owners = lockOwners;
                if (owners == null) lockOwners = owners = ConcurrentHashMap.newKeySet();
            }
        }
        owners.add(owner);
    }

    /** {@code owner} closed this handle (FLUSH): its locks are gone, wherever it set them. */
    void closedBy(long owner) {
        Set<Long> owners = lockOwners;
        if (owners != null) owners.remove(owner);
    }

    /** The owners that set locks through this handle and have not closed it since. */
    Set<Long> lockOwners() {
        Set<Long> owners = lockOwners;
        return owners == null ? Set.of() : owners;
    }

    boolean acquire() {
        for (;;) {
            int n = uses.get();
            if (n == 0) return false;
            if (uses.compareAndSet(n, n + 1)) return true;
        }
    }

    void release() {
        if (uses.decrementAndGet() == 0) {
            FileIo.closeQuietly(fd);
            inode.release();
        }
    }
}
