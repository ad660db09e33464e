package qtfs.server.fs;

import java.util.Set;
import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicInteger;

import qtfs.sys.ErrnoException;
import qtfs.sys.Fanotify;
import qtfs.sys.FileHandles;
import qtfs.sys.FileIo;
import qtfs.sys.NativeStrings;
import qtfs.sys.OpenFlags;
import qtfs.sys.Statx;

/**
 * A server inode the client knows by a node id: held open as an O_PATH descriptor so that
 * renames and deletions on the server do not change which file the node means.
 *
 * Two counts keep the descriptor valid: {@code lookups} is the kernel's reference count
 * (LOOKUP and friends add, FORGET subtracts; guarded by the {@link InodeStore}), and
 * {@code uses} counts holders of the descriptor: the store (while lookups &gt; 0), each
 * request working on the inode, each open handle. The descriptor closes when the last
 * holder lets go, so a late request never reaches a reused descriptor number.
 *
 * <p>Client kernels keep more inodes than a process may hold descriptors. When there are too
 * many, the {@link DescriptorBudget} <em>parks</em> idle inodes (no request, no handle):
 * their descriptor is closed and a file handle kept instead; the next use reopens it by
 * handle, which still finds the same inode after renames. An inode is parked only while the
 * store is its only holder (its use count is swapped for a marker meanwhile, so nobody can
 * take it), and a holder always reaches its descriptor through {@link #fd()}.
 */
final class Inode {
    /** Stands in for the use count while the inode is being parked. */
    private static final int PARKING = Integer.MIN_VALUE;

    final long nodeId;
    final InodeKey key;
    /** S_IFMT bits: an inode never changes type. */
    final int type;
    /** What its file system is like (shared by the inodes of one file system). */
    final FileSystemKind fsKind;
    /** On procfs, sysfs, cgroup and the like: sizes are 0 and contents change under the reader. */
    final boolean volatileContent;
    /** How change events name this inode; null when its changes are not watched. */
    final Fanotify.FileId fileId;
    private final DescriptorBudget budget;

    long lookups;   // guarded by the store's per-key lock
    /** Where the inode was last looked up; lets {@link ServerPaths} place it when its path is too long to read. */
    volatile ParentLink parentLink;
    /**
     * For a directory in which a client took a lock, from then on: the inodes last found in it
     * (see {@link InodeStore#childrenOf}); null for other inodes.
     */
    volatile Set<Inode> children;
    /** When a request last took a use (System.nanoTime); a hint for choosing what to park. */
    volatile long lastUsed;
    private final AtomicInteger uses = new AtomicInteger(1);
    private volatile OwnerLocks ownerLocks;

    /** The O_PATH descriptor, or -1 while parked or once closed; changes under this object's monitor. */
    private volatile int fd;
    /** How to reopen a parked inode; guarded by this object's monitor. */
    private FileHandles.FileHandle handle;
    /** Cleared when its file system has no file handles (procfs): such an inode keeps its descriptor. */
    private volatile boolean parkable;
    private volatile boolean pathUnverified;

    /** Takes over {@code fd}, counted in {@code budget}. */
    Inode(long nodeId, int fd, InodeKey key, int type, FileSystemKind fsKind, DescriptorBudget budget, boolean parkable,
          Fanotify.FileId fileId) {
        this.fileId = fileId;
        this.nodeId = nodeId;
        this.fd = fd;
        this.key = key;
        this.type = type;
        this.fsKind = fsKind;
        this.volatileContent = fsKind.volatileContent();
        this.budget = budget;
        this.parkable = parkable;
        this.lastUsed = System.nanoTime();
        budget.opened();
    }

    /** A directory and a name under which this inode was found. */
    record ParentLink(Inode parent, byte[] name) {}

    /** Takes a use; false once the inode has been dropped and its descriptor closed (or is closing). */
    boolean acquire() {
        for (;;) {
            int n = uses.get();
            if (n == 0) return false;
            if (n == PARKING) {
                Thread.onSpinWait();   // two system calls, then the count is back
                continue;
            }
            if (uses.compareAndSet(n, n + 1)) {
                lastUsed = System.nanoTime();
                return true;
            }
        }
    }

    void release() {
        int n;
        do {
            n = uses.get();
            if (n == PARKING) Thread.onSpinWait();
        } while (n == PARKING || !uses.compareAndSet(n, n - 1));
        if (n == 1) {
            OwnerLocks locks = ownerLocks;
            if (locks != null) locks.closeAll();
            int closed;
            synchronized (this) {
                closed = fd;
                fd = -1;
                handle = null;
            }
            if (closed >= 0) {
                FileIo.closeQuietly(closed);
                budget.closed();
            }
        }
    }

    /**
     * The O_PATH descriptor, reopened by handle if the inode was parked; only for holders of
     * a use. ESTALE when a parked inode has been deleted on the server meanwhile.
     */
    int fd() throws ErrnoException {
        int f = fd;
        return f >= 0 ? f : unpark();
    }

    private int unpark() throws ErrnoException {
        int f;
        synchronized (this) {
            if (fd >= 0) return fd;
            if (handle == null) throw new IllegalStateException("node " + nodeId + " used after it was dropped");
            f = type == Statx.S_IFDIR ? -1 : byName();
            // A directory opened by handle is connected to the tree, so its path reads right; a
            // file may come back disconnected, with a path that means nothing (see ServerPaths).
            pathUnverified = f < 0 && type != Statx.S_IFDIR;
            if (f < 0) f = budget.reopen(handle);
            fd = f;
        }
        budget.opened();
        budget.parkIfOver();
        return f;
    }

    /** Reopens a file under the name it was last found by, if that name still leads to it; else -1. */
    private int byName() {
        ParentLink link = parentLink;
        if (link == null || !link.parent().acquire()) return -1;
        int f = -1;
        try (Arena arena = Arena.ofConfined()) {
            f = FileIo.openat(link.parent().fd(), NativeStrings.cString(arena, link.name()),
                    OpenFlags.O_PATH | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0);
            Statx st = Statx.of(f);
            if (st.dev() == key.dev() && st.ino() == key.ino()) return f;
        } catch (ErrnoException e) {
            // renamed, removed or out of the caller's reach: the handle still finds it
        } finally {
            link.parent().release();
        }
        FileIo.closeQuietly(f);
        return -1;
    }

    /** The descriptor was reopened by handle: its /proc path must be checked before it is believed. */
    boolean pathUnverified() {
        return pathUnverified;
    }

    /**
     * A lookup found this inode again with a fresh descriptor: a parked inode takes it over
     * (no reopening needed). Returns false when it has a descriptor already (close the fresh one).
     */
    boolean adopt(int freshFd) {
        synchronized (this) {
            if (fd >= 0 || handle == null) return false;
            fd = freshFd;
        }
        budget.opened();
        return true;
    }

    /** Whether the budget may park this inode now (it may change its mind by the time it tries). */
    boolean idle() {
        return parkable && fd >= 0 && uses.get() == 1;
    }

    /**
     * Closes the descriptor of an idle inode and keeps a handle to reopen it. Returns false
     * when the inode is in use, already parked, or cannot be parked.
     */
    boolean park() {
        if (!parkable || !uses.compareAndSet(1, PARKING)) return false;
        int closed;
        try {
            synchronized (this) {
                closed = fd;
                if (closed < 0) return false;
                FileHandles.FileHandle h = budget.handleOf(this, closed);
                if (h == null) return false;
                handle = h;
                fd = -1;
            }
        } finally {
            uses.set(1);
        }
        FileIo.closeQuietly(closed);
        budget.closed();
        return true;
    }

    /** This inode's file system has no file handles: it keeps its descriptor for good. */
    void neverPark() {
        parkable = false;
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
