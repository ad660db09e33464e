package qtfs.server.fs;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import qtfs.fuse.proto.OpenOut;
import qtfs.fuse.proto.PollIn;
import qtfs.fuse.proto.ReadIn;
import qtfs.fuse.proto.WriteIn;
import qtfs.fuse.proto.WriteOut;
import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.FileIo;
import qtfs.sys.OpenFlags;
import qtfs.sys.Poll;
import qtfs.sys.ProcSelf;
import qtfs.sys.Statx;

/**
 * FIFOs served as stream files: the client kernel sees an empty regular file, opens it
 * through the server and reads, writes and polls it there, so that a client process and a
 * server process (or processes on two clients) meet in the server's FIFO as they would in a
 * local one. Every descriptor of a FIFO is held O_NONBLOCK; what must wait for the other end
 * (a blocking open without a peer, a read of an empty FIFO, a write to a full one) waits on
 * the calling thread in {@link #SLICE_MILLIS} slices, checking for an INTERRUPT between them.
 * The daemon gives such requests threads of their own ({@link FileSystemSession#waitsForPeer}).
 */
final class FifoOps {
    /** How long a wait goes without looking for an INTERRUPT (and, in an open, for the other end). */
    static final int SLICE_MILLIS = 50;
    private static final int OPEN_FLAGS = OpenOut.FOPEN_DIRECT_IO | OpenOut.FOPEN_STREAM | OpenOut.FOPEN_NONSEEKABLE;
    private static final int READABLE = Poll.POLLIN | Poll.POLLRDNORM;

    private final FsContext fs;
    private final Interrupts interrupts;
    private final FifoPollWatcher watcher;
    /**
     * A byte a blocking open read while finding out whether a writer is there (the data came
     * in between two checks), by handle: the first read returns it first.
     */
    private final Map<Long, Byte> unread = new ConcurrentHashMap<>();

    FifoOps(FsContext fs, Interrupts interrupts, FifoPollWatcher watcher) {
        this.fs = fs;
        this.interrupts = interrupts;
        this.watcher = watcher;
    }

    /** Whether {@code inode} is served here: a FIFO, when the client takes FIFOs as stream files. */
    boolean serves(Inode inode) {
        return inode.type == Statx.S_IFIFO && fs.replies().fifoStreams();
    }

    /**
     * Opens as open(2) does on a FIFO: O_RDWR and O_NONBLOCK readers at once, O_NONBLOCK
     * writers with ENXIO when nobody reads, blocking readers and writers once the other end
     * is there. The caller checked the whitelist.
     */
    int open(Request r, Inode inode, int clientFlags) throws FuseError, ErrnoException, WouldWait {
        if (r.mustNotWait) throw WouldWait.INSTANCE;
        int local = fs.openFlags().toLocal(clientFlags);
        boolean nonblock = (local & OpenFlags.O_NONBLOCK) != 0;
        int access = local & OpenFlags.O_ACCMODE;
        int flags = access | OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC;
        Interrupts.Waiter waiter = null;
        int fd;
        Byte first = null;
        try {
            if (access == OpenFlags.O_WRONLY) {
                while (true) {
                    try {
                        fd = ProcSelf.reopen(inode.fd(), flags);
                        break;
                    } catch (ErrnoException e) {
                        if (e.errno() != Errno.ENXIO || nonblock) throw e;
                    }
                    waiter = pause(r, waiter, -1, 0);
                }
            } else {
                fd = ProcSelf.reopen(inode.fd(), flags);
                if (access == OpenFlags.O_RDONLY && !nonblock) {
                    try {
                        MemorySegment scratch = r.out().asSlice(OpenOut.SIZE, 1);
                        int found;
                        while ((found = writerCheck(fd, scratch)) == NO_WRITER) waiter = pause(r, waiter, fd, READABLE);
                        if (found >= 0) first = (byte) found;
                    } catch (FuseError | ErrnoException | RuntimeException e) {
                        FileIo.closeQuietly(fd);
                        throw e;
                    }
                }
            }
        } finally {
            if (waiter != null) interrupts.unregister(r.unique);
        }
        inode.acquire();   // the handle's own use: cannot fail, the request holds one
        long fh = fs.handles().add(fd, inode, false);
        if (first != null) unread.put(fh, first);
        OpenOut.write(r.out(), 0, fh, OPEN_FLAGS);
        return r.ok(OpenOut.SIZE);
    }

    /** What {@link #writerCheck} found: no writer yet, or a writer (and no byte had to be read). */
    private static final int NO_WRITER = -2, WRITER = -1;

    /**
     * Whether a writer opened the FIFO since {@code fd} (a non-blocking reader) was opened, as
     * a blocking open waits for: data or a hang-up came, or a read finds a writer (EAGAIN,
     * where no writer means end-of-file; a 0-byte read of a pipe always answers 0, hence 1
     * byte). Answers {@link #NO_WRITER}, {@link #WRITER}, or the byte the read took when
     * data came in between (0..255), which the first READ is to return first.
     */
    private static int writerCheck(int fd, MemorySegment oneByte) throws ErrnoException {
        if ((Poll.now(fd, READABLE) & (READABLE | Poll.POLLHUP)) != 0) return WRITER;
        try {
            return FileIo.read(fd, oneByte, 1) == 0 ? NO_WRITER : Byte.toUnsignedInt(oneByte.get(ValueLayout.JAVA_BYTE, 0));
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EAGAIN) return WRITER;
            throw e;
        }
    }

    /** Reads what is there; a blocking read waits for data or for the last writer to close (EOF, 0 bytes). */
    int read(Request r, OpenFile f, MemorySegment b) throws FuseError, ErrnoException, WouldWait {
        if (r.mustNotWait) throw WouldWait.INSTANCE;
        long size = Math.min(Integer.toUnsignedLong(ReadIn.size(b)), r.replyCapacity());
        boolean nonblock = (fs.openFlags().toLocal(ReadIn.flags(b)) & OpenFlags.O_NONBLOCK) != 0;
        MemorySegment out = r.out();
        long done = 0;
        if (size > 0) {
            Byte first = unread.remove(f.fh);
            if (first != null) {
                out.set(ValueLayout.JAVA_BYTE, 0, first);
                done = 1;
            }
        }
        Interrupts.Waiter waiter = null;
        try {
            while (true) {
                try {
                    return r.ok(done + FileIo.read(f.fd, out.asSlice(done), size - done));
                } catch (ErrnoException e) {
                    if (done > 0) return r.ok(done);
                    if (e.errno() != Errno.EAGAIN || nonblock) throw e;
                }
                waiter = pause(r, waiter, f.fd, READABLE);
            }
        } finally {
            if (waiter != null) interrupts.unregister(r.unique);
        }
    }

    /**
     * Writes all (a blocking write waits for room) or what fits (O_NONBLOCK; EAGAIN when
     * nothing does); EPIPE when no reader is left. An interrupted write reports what it wrote.
     */
    int write(Request r, OpenFile f, MemorySegment b) throws FuseError, ErrnoException, WouldWait {
        if (r.mustNotWait) throw WouldWait.INSTANCE;
        long size = Integer.toUnsignedLong(WriteIn.size(b));
        if (b.byteSize() < WriteIn.SIZE + size)
            throw new FuseError(Errno.EINVAL, "WRITE of " + size + " bytes with " + (b.byteSize() - WriteIn.SIZE) + " bytes of data");
        boolean nonblock = (fs.openFlags().toLocal(WriteIn.flags(b)) & OpenFlags.O_NONBLOCK) != 0;
        MemorySegment data = b.asSlice(WriteIn.SIZE, size);
        long done = 0;
        Interrupts.Waiter waiter = null;
        try {
            while (done < size) {
                try {
                    done += FileIo.write(f.fd, data.asSlice(done), size - done);
                    continue;
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.EAGAIN || nonblock) {
                        if (done > 0) break;
                        throw e;
                    }
                }
                try {
                    waiter = pause(r, waiter, f.fd, Poll.POLLOUT);
                } catch (FuseError interrupted) {
                    if (done > 0) break;
                    throw interrupted;
                }
            }
        } finally {
            if (waiter != null) interrupts.unregister(r.unique);
        }
        WriteOut.write(r.out(), 0, (int) done);
        return r.ok(WriteOut.SIZE);
    }

    /**
     * The events ready now; when none of the wanted ones is and the kernel waits, the watcher
     * tells it (NOTIFY_POLL) once one is. Other files (POLL comes for every file) report what
     * their descriptor does: regular files are always ready.
     */
    int poll(Request r) throws FuseError, ErrnoException {
        MemorySegment b = r.struct(PollIn.SIZE);
        OpenFile f = r.file(PollIn.fh(b));
        int events = PollIn.events(b);
        int ready = Poll.now(f.fd, events);
        if (unread.containsKey(f.fh)) ready |= events & READABLE;
        boolean lasting = (ready & (Poll.POLLHUP | Poll.POLLERR | Poll.POLLNVAL)) != 0;
        int awaited = events & ~ready;
        if ((PollIn.flags(b) & PollIn.FUSE_POLL_SCHEDULE_NOTIFY) != 0 && !lasting && awaited != 0)
            watcher.watch(PollIn.kh(b), f, awaited);
        PollIn.writeOut(r.out(), 0, ready);
        return r.ok(PollIn.OUT_SIZE);
    }

    /** Handle {@code fh} was released: what was kept for it goes. */
    void released(long fh) {
        unread.remove(fh);
        watcher.forget(fh);
    }

    /**
     * Waits one slice ({@code fd} for {@code events}; a plain pause when fd is negative), the
     * request registered for INTERRUPT from the first; EINTR once it is interrupted.
     */
    private Interrupts.Waiter pause(Request r, Interrupts.Waiter waiter, int fd, int events) throws FuseError, ErrnoException {
        if (waiter == null) waiter = interrupts.register(r.unique);
        checkInterrupted(waiter);
        if (fd >= 0) Poll.one(fd, events, SLICE_MILLIS);
        else LockSupport.parkNanos(SLICE_MILLIS * 1_000_000L);
        checkInterrupted(waiter);
        return waiter;
    }

    /** The client interrupted the request, or the daemon its thread (shutting down). */
    private static void checkInterrupted(Interrupts.Waiter waiter) throws FuseError {
        if (waiter.interrupted || Thread.currentThread().isInterrupted())
            throw new FuseError(Errno.EINTR, "interrupted while waiting for the other end of a FIFO");
    }
}
