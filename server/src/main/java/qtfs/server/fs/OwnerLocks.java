package qtfs.server.fs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import qtfs.sys.ErrnoException;
import qtfs.sys.Errno;
import qtfs.sys.FileIo;
import qtfs.sys.HeldLocks;
import qtfs.sys.Locks;
import qtfs.sys.OpenFlags;
import qtfs.sys.ProcSelf;
import qtfs.sys.Statx;

/**
 * POSIX record locks of one inode, one descriptor per client lock owner. Each descriptor is
 * its own open file description and carries the owner's locks as OFD locks, so owners
 * conflict with each other and with locks that server processes take, and closing the
 * descriptor (when the owner closes the file: FLUSH) drops exactly that owner's locks.
 * Each owner also keeps the client pid that last took a lock for it, to name the holder of
 * a conflicting lock (F_OFD_GETLK reports an OFD holder with pid -1).
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
        volatile int pid;

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

    /** Remembers {@code pid} (a client process) as the one that took the owner's latest lock. */
    void lockedFor(long owner, int pid) {
        OwnerFd o = owners.get(owner);
        if (o != null) o.pid = pid;
    }

    /**
     * The pid to report as the holder of {@code conflict}, a lock F_OFD_GETLK found in the way
     * of {@code requester}: a server process's POSIX lock names its own (server) pid; an OFD
     * lock is looked for among the other owners' descriptors and names the client pid of the
     * owner holding it; 0 when nobody here holds it (a server process's OFD lock).
     */
    int holderPid(Locks.Lock conflict, long requester) throws ErrnoException {
        if (conflict.pid() > 0) return conflict.pid();
        for (Map.Entry<Long, OwnerFd> e : owners.entrySet()) {
            if (e.getKey() == requester) continue;
            OwnerFd o = e.getValue();
            synchronized (o) {
                if (o.closed) continue;
                for (Locks.Lock held : HeldLocks.through(o.fd)) {
                    if (held.type() == conflict.type() && held.start() == conflict.start()
                            && held.length() == conflict.length()) return o.pid;
                }
            }
        }
        return 0;
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

    /**
     * The handle {@code f} is gone for good (RELEASE): owners that set locks through it and
     * never closed it (FLUSH) can only be its own open file description, whose OFD locks end
     * with it; the client kernel sends no unlock for them.
     */
    void releaseOwnersOf(OpenFile f) {
        for (long owner : f.lockOwners()) releaseOwner(owner);
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
