package qtfs.server.fs;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import qtfs.fuse.proto.LkIn;
import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.Locks;

/**
 * GETLK/SETLK/SETLKW: POSIX record locks per client lock owner ({@link OwnerLocks}), or
 * flock(2) on the handle's descriptor when the request says FUSE_LK_FLOCK. A blocking
 * request polls with growing pauses until it gets the lock or is interrupted.
 */
final class LockOps {
    private static final long FIRST_PAUSE = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long LONGEST_PAUSE = TimeUnit.MILLISECONDS.toNanos(100);

    private final Interrupts interrupts;
    private final LockRevalidation revalidation;

    LockOps(Interrupts interrupts, LockRevalidation revalidation) {
        this.interrupts = interrupts;
        this.revalidation = revalidation;
    }

    /** A lock range in fcntl terms: length 0 reaches to the end of the file. */
    private record Range(long start, long length) {
        static Range of(MemorySegment b) throws FuseError {
            long start = LkIn.start(b), end = LkIn.end(b);
            if (start < 0 || end < 0) throw new FuseError(Errno.EINVAL, "lock range beyond the largest offset");
            if (end == LkIn.OFFSET_MAX) return new Range(start, 0);
            if (end < start) throw new FuseError(Errno.EINVAL, "lock range ends before it starts");
            return new Range(start, end - start + 1);
        }
    }

    int getlk(Request r) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(LkIn.SIZE);
        OpenFile f = fileOf(r, b);
        Range range = Range.of(b);
        int type = LkIn.type(b);
        Locks.Lock held = f.inode.ownerLocks().withOwner(LkIn.owner(b),
                fd -> Locks.ofdGet(fd, type, range.start(), range.length()));
        if (held.type() == Locks.F_UNLCK) {
            LkIn.writeLock(r.out(), 0, LkIn.start(b), LkIn.end(b), Locks.F_UNLCK, 0);
        } else {
            long end = held.length() == 0 ? LkIn.OFFSET_MAX : held.start() + held.length() - 1;
            LkIn.writeLock(r.out(), 0, held.start(), end, held.type(), f.inode.ownerLocks().holderPid(held, LkIn.owner(b)));
        }
        return r.ok(LkIn.OUT_SIZE);
    }

    int setlk(Request r, boolean wait) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(LkIn.SIZE);
        OpenFile f = fileOf(r, b);
        int type = LkIn.type(b);
        if (type != Locks.F_RDLCK && type != Locks.F_WRLCK && type != Locks.F_UNLCK)
            throw new FuseError(Errno.EINVAL, "unknown lock type " + type);
        if ((LkIn.lkFlags(b) & LkIn.FUSE_LK_FLOCK) != 0) return flock(r, f, type, wait);

        Range range = Range.of(b);
        long owner = LkIn.owner(b);
        OwnerLocks locks = f.inode.ownerLocks();
        if (type == Locks.F_UNLCK) {
            if (locks.hasOwner(owner))
                locks.withOwner(owner, fd -> { Locks.ofdSet(fd, Locks.F_UNLCK, range.start(), range.length()); return null; });
            return r.ok(0);
        }
        Attempt attempt = () -> locks.withOwner(owner, fd -> { Locks.ofdSet(fd, type, range.start(), range.length()); return null; });
        if (wait) waitFor(r.unique, attempt);
        else attempt.run();
        locks.lockedFor(owner, LkIn.pid(b) != 0 ? LkIn.pid(b) : r.pid);
        f.lockedBy(owner);
        revalidation.lockTaken(r, f.inode);
        return r.ok(0);
    }

    private int flock(Request r, OpenFile f, int type, boolean wait) throws FuseError, ErrnoException {
        int op = switch (type) {
            case Locks.F_RDLCK -> Locks.LOCK_SH;
            case Locks.F_WRLCK -> Locks.LOCK_EX;
            default -> Locks.LOCK_UN;
        };
        if (op == Locks.LOCK_UN) {
            Locks.flock(f.fd, op);
            return r.ok(0);
        }
        if (wait) waitFor(r.unique, () -> Locks.flock(f.fd, op | Locks.LOCK_NB));
        else Locks.flock(f.fd, op | Locks.LOCK_NB);
        revalidation.lockTaken(r, f.inode);
        return r.ok(0);
    }

    @FunctionalInterface
    private interface Attempt {
        void run() throws ErrnoException;
    }

    /** Repeats a non-blocking attempt while it meets a conflicting lock; EINTR once interrupted. */
    private void waitFor(long unique, Attempt attempt) throws FuseError, ErrnoException {
        Interrupts.Waiter w = interrupts.register(unique);
        try {
            long pause = FIRST_PAUSE;
            for (;;) {
                try {
                    attempt.run();
                    return;
                } catch (ErrnoException e) {
                    if (!e.is(Errno.EAGAIN)) throw e;
                }
                if (w.interrupted || Thread.currentThread().isInterrupted())
                    throw new FuseError(Errno.EINTR, "lock wait interrupted");
                LockSupport.parkNanos(pause);
                pause = Math.min(pause * 2, LONGEST_PAUSE);
            }
        } finally {
            interrupts.unregister(unique);
        }
    }

    private static OpenFile fileOf(Request r, MemorySegment b) throws FuseError {
        Inode inode = r.inode();
        OpenFile f = r.file(LkIn.fh(b));
        if (f.inode != inode) throw new FuseError(Errno.EBADF, "lock request names a handle of another node");
        return f;
    }
}
