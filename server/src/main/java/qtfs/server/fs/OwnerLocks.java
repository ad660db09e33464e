package qtfs.server.fs;

import java.util.concurrent.ConcurrentHashMap;

import qtfs.sys.ErrnoException;
import qtfs.sys.Errno;
import qtfs.sys.FileIo;
import qtfs.sys.OpenFlags;
import qtfs.sys.ProcSelf;
import qtfs.sys.Statx;

/**
 * POSIX record locks of one inode, one descriptor per client lock owner. Each descriptor is
 * its own open file description and carries the owner's locks as OFD locks, so owners
 * conflict with each other and with locks that server processes take, and closing the
 * descriptor (when the owner closes the file: FLUSH) drops exactly that owner's locks.
 */
final class OwnerLocks {
    private final Inode inode;
    private final ConcurrentHashMap<Long, OwnerFd> owners = new ConcurrentHashMap<>();

    OwnerLocks(Inode inode) {
        this.inode = inode;
    }

    @FunctionalInterface
    interface FdAction<T> {
        T run(int fd) throws ErrnoException;
    }

    /** A lock descriptor; {@code closed} is guarded by the object's monitor. */
    private static final class OwnerFd {
        final int fd;
        boolean closed;

        OwnerFd(int fd) {
            this.fd = fd;
        }
    }

    /** Runs {@code action} on the owner's descriptor, opened on first use; serialised per owner. */
    <T> T withOwner(long owner, FdAction<T> action) throws ErrnoException {
        for (;;) {
            OwnerFd o = owners.get(owner);
            if (o == null) {
                OwnerFd fresh = new OwnerFd(openLockFd());
                o = owners.putIfAbsent(owner, fresh);
                if (o == null) o = fresh;
                else FileIo.closeQuietly(fresh.fd);
            }
            synchronized (o) {
                if (!o.closed) return action.run(o.fd);
            }
        }
    }

    /** Whether the owner holds a descriptor (and so possibly locks) on this inode. */
    boolean hasOwner(long owner) {
        return owners.containsKey(owner);
    }

    /** Drops every lock of {@code owner} on this inode. */
    void releaseOwner(long owner) {
        OwnerFd o = owners.remove(owner);
        if (o != null) close(o);
    }

    void closeAll() {
        for (Long owner : owners.keySet()) releaseOwner(owner);
    }

    private static void close(OwnerFd o) {
        synchronized (o) {
            if (o.closed) return;
            o.closed = true;
            FileIo.closeQuietly(o.fd);
        }
    }

    /**
     * Opens a descriptor that can carry read and write locks. Opened as the daemon: the
     * caller has proven its access with the handle the lock request names, and a lock
     * descriptor is never read or written.
     */
    private int openLockFd() throws ErrnoException {
        return CallerIdentity.asServer(() -> {
            if (inode.type == Statx.S_IFDIR) return ProcSelf.reopen(inode.fd(), OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY);
            if (inode.type != Statx.S_IFREG) return ProcSelf.reopen(inode.fd(), OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK);
            try {
                return ProcSelf.reopen(inode.fd(), OpenFlags.O_RDWR | OpenFlags.O_NOATIME);
            } catch (ErrnoException e) {
                // read-only file system, running executable, immutable file: read locks at least
                if (e.is(Errno.EROFS) || e.is(Errno.ETXTBSY) || e.is(Errno.EPERM) || e.is(Errno.EACCES))
                    return ProcSelf.reopen(inode.fd(), OpenFlags.O_RDONLY);
                throw e;
            }
        });
    }
}
