package qtfs.server.fs;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.FileHandles;
import qtfs.sys.FileIo;
import qtfs.sys.OpenFileLimit;
import qtfs.sys.OpenFlags;
import qtfs.sys.ProcSelf;
import qtfs.sys.Statx;

/**
 * How many inode descriptors the sessions of this process may hold, and the parking of idle
 * inodes beyond that (see {@link Inode}). A client kernel keeps every inode it has seen until
 * memory runs short, so a large tree (an image store, a `find` over /usr) would otherwise run
 * the server out of descriptors (EMFILE) while most of those inodes sit unused.
 *
 * <p>Above the high mark, the least recently used idle inodes of every session are parked
 * until the count is down to the low mark. A quarter of the process limit stays free for open
 * files, lock descriptors and sockets.
 */
final class DescriptorBudget {
    private static final Logger LOG = System.getLogger(DescriptorBudget.class.getName());

    private static volatile DescriptorBudget process;

    private final int high;
    private final int low;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<InodeStore> stores = ConcurrentHashMap.newKeySet();
    /** mount id → an open (not O_PATH) descriptor on that mount, which open_by_handle_at needs. */
    private final Map<Integer, Integer> mountAnchors = new ConcurrentHashMap<>();
    private final ReentrantLock parking = new ReentrantLock();
    /**
     * The count that starts a parking pass: the high mark, or more after a pass that could not
     * get below it (everything in use), so that passes stay rare instead of running per lookup.
     */
    private volatile int trigger;

    /** At most {@code high} inode descriptors before parking starts. */
    DescriptorBudget(int high) {
        if (high < 4) throw new IllegalArgumentException("descriptor budget " + high + " is too small");
        this.high = high;
        this.low = high - Math.max(1, high / 4);
        this.trigger = high;
    }

    /** The budget of this process: three quarters of its open file limit, read once. */
    static DescriptorBudget forThisProcess() {
        DescriptorBudget b = process;
        if (b != null) return b;
        synchronized (DescriptorBudget.class) {
            if (process == null) {
                long limit;
                try {
                    limit = OpenFileLimit.current().soft();
                } catch (ErrnoException e) {
                    limit = 1024;
                }
                process = new DescriptorBudget((int) Math.min(Integer.MAX_VALUE / 2, Math.max(16, limit / 4 * 3)));
            }
            return process;
        }
    }

    void register(InodeStore store) {
        stores.add(store);
    }

    void unregister(InodeStore store) {
        stores.remove(store);
    }

    void opened() {
        open.incrementAndGet();
    }

    void closed() {
        open.decrementAndGet();
    }

    /** Inode descriptors open now (for tests and status). */
    int openCount() {
        return open.get();
    }

    /** Parks idle inodes if the count is above the high mark; one thread at a time, others go on. */
    void parkIfOver() {
        // (a parking pass reopens parent directories, which comes back here: one pass at a time)
        if (open.get() <= trigger || parking.isHeldByCurrentThread() || !parking.tryLock()) return;
        try {
            if (open.get() <= trigger) return;
            record Candidate(Inode inode, long lastUsed) {}
            List<Candidate> idle = new ArrayList<>();
            for (InodeStore store : stores) store.forEachInode(i -> {
                if (i.idle()) idle.add(new Candidate(i, i.lastUsed));
            });
            idle.sort(Comparator.comparingLong(Candidate::lastUsed));
            int parked = 0;
            for (Candidate c : idle) {
                if (open.get() <= low) break;
                if (c.inode().park()) parked++;
            }
            int parkedCount = parked, now = open.get();
            // still above the mark: the inodes are in use (open files, requests), nothing more to give back now
            trigger = now > high ? now + Math.max(1, high / 8) : high;
            LOG.log(now > high ? Level.WARNING : Level.DEBUG, () -> "parked " + parkedCount + " of " + idle.size()
                    + " idle inodes; " + now + " inode descriptors open (high mark " + high + ")");
        } finally {
            parking.unlock();
        }
    }

    /**
     * The handle to reopen {@code inode} (descriptor {@code fd}) by, or null when it cannot be
     * parked now. Its mount needs an anchor, an open directory on it (opening a directory does
     * nothing, unlike opening a device or a FIFO): the inode itself or the directory it was
     * found in. An inode of a file system without handles is never tried again.
     */
    FileHandles.FileHandle handleOf(Inode inode, int fd) {
        FileHandles.FileHandle h;
        try {
            h = FileHandles.of(fd);
        } catch (ErrnoException e) {
            if (e.is(Errno.EOPNOTSUPP)) inode.neverPark();
            return null;
        }
        if (mountAnchors.containsKey(h.mountId())) return h;
        if (inode.type == Statx.S_IFDIR) return anchor(h.mountId(), fd) ? h : null;
        Inode.ParentLink link = inode.parentLink;
        if (link == null || !link.parent().acquire()) return null;
        try {
            int parentFd = link.parent().fd();
            return FileHandles.of(parentFd).mountId() == h.mountId() && anchor(h.mountId(), parentFd) ? h : null;
        } catch (ErrnoException e) {
            return null;
        } finally {
            link.parent().release();
        }
    }

    /** Opens directory {@code dirFd} anew as the anchor of mount {@code mountId}. */
    private boolean anchor(int mountId, int dirFd) {
        try {
            int anchor = CallerIdentity.asServer(() -> ProcSelf.reopen(dirFd, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY));
            if (mountAnchors.putIfAbsent(mountId, anchor) != null) FileIo.closeQuietly(anchor);
            return true;
        } catch (ErrnoException e) {
            return false;
        }
    }

    /** Reopens a parked inode (as the daemon: opening by handle needs CAP_DAC_READ_SEARCH). */
    int reopen(FileHandles.FileHandle h) throws ErrnoException {
        Integer anchor = mountAnchors.get(h.mountId());
        if (anchor == null) throw new ErrnoException("open_by_handle_at", Errno.ESTALE);
        return CallerIdentity.asServer(() -> FileHandles.open(anchor, h, OpenFlags.O_PATH));
    }
}
