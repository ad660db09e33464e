package qtfs.server.fs;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import qtfs.sys.FileIo;

/**
 * A server inode the client knows by a node id: held open as an O_PATH descriptor so that
 * renames and deletions on the server do not change which file the node means.
 *
 * Two counts keep the descriptor valid: {@code lookups} is the kernel's reference count
 * (LOOKUP and friends add, FORGET subtracts; guarded by the {@link InodeStore}), and
 * {@code uses} counts holders of the descriptor: the store (while lookups &gt; 0), each
 * request working on the inode, each open handle. The descriptor closes when the last
 * holder lets go, so a late request never reaches a reused descriptor number.
 */
final class Inode {
    final long nodeId;
    final int fd;
    final InodeKey key;
    /** S_IFMT bits: an inode never changes type. */
    final int type;
    /** On procfs, sysfs, cgroup and the like: sizes are 0 and contents change under the reader. */
    final boolean volatileContent;

    long lookups;   // guarded by the store's per-key lock
    /** Where the inode was last looked up; lets {@link ServerPaths} place it when its path is too long to read. */
    volatile ParentLink parentLink;
    /**
     * For a directory in which a client took a lock, from then on: the inodes last found in it
     * (see {@link InodeStore#childrenOf}); null for other inodes.
     */
    volatile Set<Inode> children;
    private final AtomicInteger uses = new AtomicInteger(1);
    private volatile OwnerLocks ownerLocks;

    Inode(long nodeId, int fd, InodeKey key, int type, boolean volatileContent) {
        this.nodeId = nodeId;
        this.fd = fd;
        this.key = key;
        this.type = type;
        this.volatileContent = volatileContent;
    }

    /** A directory and a name under which this inode was found. */
    record ParentLink(Inode parent, byte[] name) {}

    /** Takes a use; false once the inode has been dropped and its descriptor closed (or is closing). */
    boolean acquire() {
        for (;;) {
            int n = uses.get();
            if (n == 0) return false;
            if (uses.compareAndSet(n, n + 1)) return true;
        }
    }

    void release() {
        if (uses.decrementAndGet() == 0) {
            OwnerLocks locks = ownerLocks;
            if (locks != null) locks.closeAll();
            FileIo.closeQuietly(fd);
        }
    }

    /** The per-lock-owner descriptors of this inode, created on first use. */
    OwnerLocks ownerLocks() {
        OwnerLocks l = ownerLocks;
        if (l == null) {
            synchronized (this) {
                l = ownerLocks;
                if (l == null) ownerLocks = l = new OwnerLocks(this);
            }
        }
        return l;
    }

    /** The lock owners of this inode, or null when none ever locked. */
    OwnerLocks ownerLocksIfAny() {
        return ownerLocks;
    }
}
