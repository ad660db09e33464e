package qtfs.server.fs;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;

import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.InterruptIn;
import qtfs.fuse.proto.InitParams;
import qtfs.fuse.proto.Notify;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.OutHeader;
import qtfs.fuse.proto.ReadIn;
import qtfs.fuse.proto.WriteIn;
import qtfs.server.whitelist.Whitelist;
import qtfs.sys.Arch;
import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.FileIo;
import qtfs.sys.NativeStrings;
import qtfs.sys.OpenFlags;
import qtfs.sys.ProcSelf;
import qtfs.sys.Statx;

/**
 * One client mount served from a server directory: a FUSE low-level passthrough file
 * system. Node ids map to server inodes held as O_PATH descriptors (node id 1 is the
 * export), lookups go one component at a time, every operation runs with the caller's
 * fsuid, fsgid and groups so that the server kernel does all permission checks, and the
 * whitelist gates what may be opened, created, changed or removed.
 *
 * <p>{@link #handle} is called by many worker threads at once; they must be platform
 * threads, since credentials are per OS thread. The process must run with umask 0 (the
 * caller's umask is applied on the client), which {@link #open} sets.
 */
public final class FileSystemSession implements AutoCloseable {
    private static final Logger LOG = System.getLogger(FileSystemSession.class.getName());
    /** Oldest protocol whose request layouts this server reads (mknod_in with umask: 7.12). */
    private static final int MIN_MINOR = 12;
    /** The smallest reply body any request may need besides READ data (a page of directory entries). */
    private static final int MIN_REPLY_BODY = 4096;

    private final String exportPath;
    private final InodeStore inodes;
    private final HandleTable handles;
    private final Interrupts interrupts = new Interrupts();
    private final NodeOps nodeOps;
    private final NameOps nameOps;
    private final FileOps fileOps;
    private final DirOps dirOps;
    private final XattrOps xattrOps;
    private final LockOps lockOps;
    private final IoctlOps ioctlOps;
    private final FifoOps fifoOps;
    private final FifoPollWatcher pollWatcher = new FifoPollWatcher();
    private final ChangeWatcher watcher;
    private final Invalidations changes;
    private volatile boolean closed;

    private FileSystemSession(String exportPath, int rootFd, Whitelist whitelist, InitParams init, CacheTimes cacheTimes,
                              Arch clientArch, DescriptorBudget budget, boolean fifoStreams, ChangeWatcher watcher,
                              PushChannel push)
            throws ErrnoException {
        this.exportPath = exportPath;
        this.watcher = watcher != null ? watcher : ChangeWatcher.detached();
        this.inodes = new InodeStore(rootFd, budget, watcher);
        this.handles = new HandleTable();
        this.changes = new Invalidations(inodes, this.watcher, push);
        AccessPolicy policy = new AccessPolicy(whitelist);
        FsContext fs = new FsContext(inodes, handles, new Lookups(inodes), policy,
                new Replies(cacheTimes, watcher != null, fifoStreams), new ClientOpenFlags(clientArch, init), init, changes);
        // poll wake-ups answer no request: they go out as the session's other unasked notifications do
        pollWatcher.sendTo(push::send);
        this.nodeOps = new NodeOps(fs);
        this.nameOps = new NameOps(fs);
        this.fifoOps = new FifoOps(fs, interrupts, pollWatcher);
        this.fileOps = new FileOps(fs, nameOps, fifoOps);
        this.dirOps = new DirOps(fs);
        this.xattrOps = new XattrOps(fs);
        this.lockOps = new LockOps(interrupts, new LockRevalidation(inodes));
        this.ioctlOps = new IoctlOps(fs, new RemoteMounts(exportPath, policy));
    }

    /** Serves {@code exportPath} with default cache times, for a client of this machine's architecture. */
    public static FileSystemSession open(String exportPath, Whitelist whitelist, InitParams init) throws ErrnoException {
        return open(exportPath, whitelist, init, CacheTimes.DEFAULT);
    }

    public static FileSystemSession open(String exportPath, Whitelist whitelist, InitParams init, CacheTimes cacheTimes)
            throws ErrnoException {
        return open(exportPath, whitelist, init, cacheTimes, Arch.current());
    }

    /**
     * Serves {@code exportPath} (an absolute server directory inside a [Mount] entry of
     * {@code whitelist}) to a client whose FUSE INIT settled {@code init} and whose kernel
     * numbers open flags as {@code clientArch} does.
     *
     * @throws ErrnoException ENOENT/ENOTDIR/EACCES... when the export cannot be opened,
     *     EACCES when it is not in [Mount], EPROTO for a FUSE protocol older than 7.12
     */
    public static FileSystemSession open(String exportPath, Whitelist whitelist, InitParams init, CacheTimes cacheTimes,
                                         Arch clientArch) throws ErrnoException {
        return open(exportPath, whitelist, init, cacheTimes, clientArch, DescriptorBudget.forThisProcess(), false, null,
                PushChannel.NONE);
    }

    /**
     * The same, with changes made on the server (by its processes, or through other sessions
     * of {@code watcher}) sent to the client through {@code push} as invalidations, and with
     * the session's own changes announced to the other sessions. Only then may the client
     * cache for long: inodes whose changes cannot be watched get at most
     * {@link CacheTimes#UNWATCHED}, and so do names found missing. With {@code fifoStreams}
     * FIFOs are served as stream files (shown as empty regular files, opened, read, written
     * and polled on the server), for a client that asked for them; otherwise its kernel keeps
     * them local.
     */
    public static FileSystemSession open(String exportPath, Whitelist whitelist, InitParams init, CacheTimes cacheTimes,
                                         Arch clientArch, boolean fifoStreams, ChangeWatcher watcher, PushChannel push)
            throws ErrnoException {
        return open(exportPath, whitelist, init, cacheTimes, clientArch, DescriptorBudget.forThisProcess(), fifoStreams,
                watcher, push);
    }

    /** The same with a descriptor budget of its own (tests give it a small one). */
    static FileSystemSession open(String exportPath, Whitelist whitelist, InitParams init, CacheTimes cacheTimes,
                                  Arch clientArch, DescriptorBudget budget) throws ErrnoException {
        return open(exportPath, whitelist, init, cacheTimes, clientArch, budget, false, null, PushChannel.NONE);
    }

    static FileSystemSession open(String exportPath, Whitelist whitelist, InitParams init, CacheTimes cacheTimes,
                                  Arch clientArch, DescriptorBudget budget, boolean fifoStreams, ChangeWatcher watcher,
                                  PushChannel push) throws ErrnoException {
        if (init.major() != 7 || init.minor() < MIN_MINOR)
            throw new ErrnoException("FUSE protocol " + init.major() + "." + init.minor() + " (qtfsd needs 7." + MIN_MINOR
                    + " or later)", Errno.EPROTO);
        ProcessUmask.clear();
        int rootFd = FileIo.open(exportPath, OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0);
        try {
            String canonical = new String(ProcSelf.pathOf(rootFd), StandardCharsets.UTF_8);
            if (whitelist.exportContaining(canonical).isEmpty())
                throw new ErrnoException("export " + canonical + " is in no [Mount] entry of " + whitelist.origin()
                        + "; refusing to serve it", Errno.EACCES);
            return new FileSystemSession(canonical, rootFd, whitelist, init, cacheTimes, clientArch, budget, fifoStreams, watcher, push);
        } catch (ErrnoException | RuntimeException e) {
            FileIo.closeQuietly(rootFd);
            throw e;
        }
    }

    /** The canonical server path being served. */
    public String exportPath() {
        return exportPath;
    }

    /**
     * Serves one FUSE request (fuse_in_header + body) as the caller it names, with the
     * caller's supplementary {@code groups}. Writes the reply (fuse_out_header first) into
     * {@code reply} and returns its length, or 0 for requests that take no reply (FORGET,
     * BATCH_FORGET, INTERRUPT, NOTIFY_REPLY). Never throws: malformed requests are answered
     * with EINVAL, unknown ones with ENOSYS, failures of this code with EIO (and a log entry).
     * {@code reply} must hold at least init.maxWrite() + 4096 bytes.
     */
    public int handle(MemorySegment request, int[] groups, MemorySegment reply) {
        return handle(request, groups, reply, NotificationSink.NONE, null, false);
    }

    /**
     * The same, handing {@code notifications} what the client's kernel must learn before it
     * gets the reply (e.g. cached names that went stale while a lock was free).
     */
    public int handle(MemorySegment request, int[] groups, MemorySegment reply, NotificationSink notifications) {
        return handle(request, groups, reply, notifications, null, false);
    }

    /**
     * The same, also noting in {@code xattrHints} (cleared first; null: not wanted) the nodes
     * the request found to have no extended attributes, for the client to know before the reply.
     */
    public int handle(MemorySegment request, int[] groups, MemorySegment reply, XattrHints xattrHints) {
        return handle(request, groups, reply, NotificationSink.NONE, xattrHints, false);
    }

    /** The same with both {@code notifications} and {@code xattrHints}. */
    public int handle(MemorySegment request, int[] groups, MemorySegment reply, NotificationSink notifications,
                      XattrHints xattrHints) {
        return handle(request, groups, reply, notifications, xattrHints, false);
    }

    /** What {@link #handleWithoutWaiting} returns for a request that would have to wait. */
    public static final int WOULD_WAIT = -1;

    /**
     * The same, for a thread that must not wait for a disk: a READ of data the page cache does
     * not hold (wholly) is not served and {@link #WOULD_WAIT} is returned instead, for the
     * caller to hand the request to a thread that may wait. Nothing has been written to the
     * reply then, and nothing changed.
     */
    public int handleWithoutWaiting(MemorySegment request, int[] groups, MemorySegment reply, XattrHints xattrHints) {
        return handle(request, groups, reply, NotificationSink.NONE, xattrHints, true);
    }

    /** The same, handing {@code notifications} what the client must learn before the reply. */
    public int handleWithoutWaiting(MemorySegment request, int[] groups, MemorySegment reply,
                                    NotificationSink notifications, XattrHints xattrHints) {
        return handle(request, groups, reply, notifications, xattrHints, true);
    }

    private int handle(MemorySegment request, int[] groups, MemorySegment reply, NotificationSink notifications,
                       XattrHints xattrHints, boolean mustNotWait) {
        if (xattrHints != null) xattrHints.clear();
        if (reply.byteSize() < OutHeader.SIZE || request.byteSize() < InHeader.UNIQUE + 8) {
            LOG.log(Level.WARNING, () -> "dropped a request of " + request.byteSize() + " bytes (reply buffer "
                    + reply.byteSize() + " bytes): too small to answer");
            return 0;
        }
        if (request.byteSize() < InHeader.SIZE || reply.byteSize() < OutHeader.SIZE + MIN_REPLY_BODY) {
            Opcode op = Opcode.of(InHeader.opcode(request));
            LOG.log(Level.WARNING, () -> "refused a request of " + request.byteSize() + " bytes with a reply buffer of "
                    + reply.byteSize() + " bytes: too small to serve");
            return op != null && takesNoReply(op) ? 0 : error(reply, InHeader.unique(request), Errno.EINVAL);
        }
        if (!request.isNative() || !reply.isNative())
            return handleCopied(request, groups, reply, notifications, xattrHints, mustNotWait);

        long unique = InHeader.unique(request);
        int opcode = InHeader.opcode(request);
        Opcode op = Opcode.of(opcode);
        long len = Integer.toUnsignedLong(InHeader.len(request));
        long bodyEnd = len - 8L * InHeader.totalExtlen(request);
        if (len > request.byteSize() || bodyEnd < InHeader.SIZE) {
            LOG.log(Level.WARNING, () -> "request " + unique + " (" + (op == null ? "opcode " + opcode : op)
                    + ") claims " + len + " bytes but " + request.byteSize() + " arrived");
            return op != null && takesNoReply(op) ? 0 : error(reply, unique, Errno.EINVAL);
        }
        if (op == null) return error(reply, unique, Errno.ENOSYS);
        if (closed) return takesNoReply(op) ? 0 : error(reply, unique, Errno.ENOTCONN);

        watcher.servingThread();
        MemorySegment body = request.asSlice(InHeader.SIZE, bodyEnd - InHeader.SIZE);
        try (Request r = new Request(request, body, reply, inodes, handles, notifications, xattrHints, mustNotWait)) {
            try {
                if (needsCaller(op)) new CallerIdentity(r.uid, r.gid, groups == null ? new int[0] : groups).actAs();
                return dispatch(op, r);
            } catch (WouldWait e) {
                return WOULD_WAIT;
            } catch (ErrnoException e) {
                return takesNoReply(op) ? 0 : r.error(e.errno());
            } catch (FuseError e) {
                if (takesNoReply(op)) LOG.log(Level.DEBUG, () -> op + " ignored: " + e.getMessage());
                return takesNoReply(op) ? 0 : r.error(e.errno);
            } catch (RuntimeException | Error e) {
                if (e instanceof VirtualMachineError vme && !(e instanceof OutOfMemoryError)) throw vme;
                LOG.log(Level.ERROR, "request " + unique + " (" + op + ") failed unexpectedly", e);
                return takesNoReply(op) ? 0 : r.error(Errno.EIO);
            }
        }
    }

    private int handleCopied(MemorySegment request, int[] groups, MemorySegment reply, NotificationSink notifications,
                             XattrHints xattrHints, boolean mustNotWait) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = arena.allocate(request.byteSize(), 8).copyFrom(request);
            MemorySegment rep = arena.allocate(reply.byteSize(), 8);
            int n = handle(req, groups, rep, notifications, xattrHints, mustNotWait);
            if (n > 0) MemorySegment.copy(rep, 0, reply, 0, n);
            return n;
        }
    }

    private static int error(MemorySegment reply, long unique, int errno) {
        OutHeader.write(reply, OutHeader.SIZE, -errno, unique);
        return OutHeader.SIZE;
    }

    /** Requests the kernel expects no answer to (an INTERRUPT is answered only to ask for a retry). */
    private static boolean takesNoReply(Opcode op) {
        return op.hasNoReply() || op == Opcode.INTERRUPT || op == Opcode.NOTIFY_REPLY;
    }

    /** Requests that run no permission-checked system call skip the credential switch. */
    private static boolean needsCaller(Opcode op) {
        return switch (op) {
            case FORGET, BATCH_FORGET, INTERRUPT, RELEASE, RELEASEDIR, DESTROY, NOTIFY_REPLY -> false;
            default -> true;
        };
    }

    private int dispatch(Opcode op, Request r) throws FuseError, ErrnoException, WouldWait {
        return switch (op) {
            case LOOKUP -> nodeOps.lookup(r);
            case FORGET -> nodeOps.forget(r);
            case BATCH_FORGET -> nodeOps.batchForget(r);
            case GETATTR -> nodeOps.getattr(r);
            case SETATTR -> nodeOps.setattr(r);
            case READLINK -> nodeOps.readlink(r);
            case STATFS -> nodeOps.statfs(r);
            case ACCESS -> nodeOps.access(r);
            case SYNCFS -> nodeOps.syncfs(r);
            case SYMLINK -> nameOps.symlink(r);
            case MKNOD -> nameOps.mknod(r);
            case MKDIR -> nameOps.mkdir(r);
            case UNLINK -> nameOps.unlink(r);
            case RMDIR -> nameOps.rmdir(r);
            case RENAME -> nameOps.rename(r);
            case RENAME2 -> nameOps.rename2(r);
            case LINK -> nameOps.link(r);
            case OPEN -> fileOps.open(r);
            case CREATE -> fileOps.create(r);
            case TMPFILE -> fileOps.tmpfile(r);
            case READ -> fileOps.read(r);
            case WRITE -> fileOps.write(r);
            case FLUSH -> fileOps.flush(r);
            case RELEASE -> fileOps.release(r);
            case FSYNC -> fileOps.fsync(r);
            case FALLOCATE -> fileOps.fallocate(r);
            case LSEEK -> fileOps.lseek(r);
            case COPY_FILE_RANGE -> fileOps.copyFileRange(r);
            case OPENDIR -> dirOps.opendir(r);
            case READDIR -> dirOps.readdir(r);
            case READDIRPLUS -> dirOps.readdirplus(r);
            case RELEASEDIR -> dirOps.releasedir(r);
            case FSYNCDIR -> dirOps.fsyncdir(r);
            case SETXATTR -> xattrOps.setxattr(r);
            case GETXATTR -> xattrOps.getxattr(r);
            case LISTXATTR -> xattrOps.listxattr(r);
            case REMOVEXATTR -> xattrOps.removexattr(r);
            case GETLK -> lockOps.getlk(r);
            case SETLK -> lockOps.setlk(r, false);
            case SETLKW -> lockOps.setlk(r, true);
            case INTERRUPT -> {
                interrupt(InterruptIn.unique(r.struct(InterruptIn.SIZE)));
                yield 0;
            }
            case NOTIFY_REPLY -> 0;
            case DESTROY -> r.ok(0);
            case IOCTL -> ioctlOps.ioctl(r);
            case POLL -> fifoOps.poll(r);
            case INIT, BMAP, SETUPMAPPING, REMOVEMAPPING -> r.error(Errno.ENOSYS);
        };
    }

    /**
     * Switches the calling thread back to the daemon's own identity (root, all capabilities).
     * {@link #handle} leaves a worker thread acting as the last caller, which saves a switch
     * when the next request comes from the same caller; a thread that goes on to do other
     * file work calls this first. A no-op when nothing was switched.
     */
    public static void restoreThreadIdentity() throws ErrnoException {
        CallerIdentity now = CallerIdentity.current();
        if (now != null && !now.sameAs(CallerIdentity.SERVER)) CallerIdentity.SERVER.actAs();
    }

    /** A blocked request with this unique (SETLKW) ends with EINTR; remembered briefly if it has not arrived yet. */
    public void interrupt(long unique) {
        interrupts.interrupt(unique);
    }

    /**
     * Whether a READ (a whole request, header present) reads a regular file on a file system
     * that answers from its disk: such a read never waits for another process, unlike one of
     * a pipe, a device or a file like trace_pipe on /sys, which can wait for good. Unknown
     * handles and other requests say false.
     */
    public boolean readsFromDisk(MemorySegment request) {
        if (InHeader.opcode(request) != Opcode.READ.code || request.byteSize() < InHeader.SIZE + ReadIn.SIZE) return false;
        return onDisk(ReadIn.fh(request.asSlice(InHeader.SIZE)));
    }

    /** The same for a WRITE: one to a regular file on a disk-backed file system waits for no other process. */
    public boolean writesToDisk(MemorySegment request) {
        if (InHeader.opcode(request) != Opcode.WRITE.code || request.byteSize() < InHeader.SIZE + WriteIn.SIZE) return false;
        return onDisk(WriteIn.fh(request.asSlice(InHeader.SIZE)));
    }

    private boolean onDisk(long fh) {
        OpenFile f = handles.peek(fh);
        return f != null && f.inode.type == Statx.S_IFREG && !f.inode.volatileContent;
    }

    /**
     * Tells the client's kernel, through {@code notifications}, to look up again the names at
     * {@code paths} (relative to the export) whose directories it knows: where a mount
     * appeared or went, the name now leads elsewhere. Call on a platform thread acting as the
     * daemon (never switched to a caller).
     */
    public void forgetNames(List<String> paths, NotificationSink notifications) {
        if (closed) return;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(Notify.INVAL_ENTRY_HEADER_SIZE + Name.NAME_MAX + 1, 8);
            for (String path : paths) {
                int slash = path.lastIndexOf('/');
                byte[] name = path.substring(slash + 1).getBytes(StandardCharsets.UTF_8);
                if (name.length > Name.NAME_MAX) continue;
                long dir = slash < 0 ? InodeStore.ROOT_ID : knownDirectory(arena, path.substring(0, slash));
                if (dir != 0) notifications.send(m.asSlice(0, Notify.invalEntry(m, dir, name)));
            }
        }
    }

    /** The node id of directory {@code path} (relative to the export) if the client knows it, else 0. */
    private long knownDirectory(Arena arena, String path) {
        Inode root = inodes.acquire(InodeStore.ROOT_ID);
        if (root == null) return 0;
        try {
            Statx st = Statx.at(root.fd(), NativeStrings.cString(arena, path), OpenFlags.AT_SYMLINK_NOFOLLOW);
            return st.isDirectory() ? inodes.nodeIdOf(new InodeKey(st.dev(), st.ino())) : 0;
        } catch (ErrnoException e) {
            return 0;
        } finally {
            root.release();
        }
    }

    /**
     * Whether a request may wait for another process at the other end of a FIFO (OPEN, READ
     * or WRITE of a FIFO served as a stream file), for the daemon to give it a thread that may
     * wait that long. Such requests are never served by {@link #handleWithoutWaiting}.
     */
    public boolean waitsForPeer(MemorySegment request) {
        if (request.byteSize() < InHeader.SIZE + 8) return false;
        int opcode = InHeader.opcode(request);
        Inode inode;
        if (opcode == Opcode.OPEN.code) {
            Inode known = inodes.acquire(InHeader.nodeid(request));
            if (known == null) return false;
            known.release();
            inode = known;
        } else if (opcode == Opcode.READ.code || opcode == Opcode.WRITE.code) {
            OpenFile f = handles.peek(request.get(qtfs.fuse.proto.Le.U64, InHeader.SIZE));   // fh leads read_in and write_in
            if (f == null) return false;
            inode = f.inode;
        } else {
            return false;
        }
        return fifoOps.serves(inode);
    }

    /**
     * The client has a connection again (or another one took over): invalidations waiting for
     * it go out, and if some may have been lost meanwhile, it is told to forget everything.
     */
    public void clientConnected() {
        changes.connected();
    }

    /**
     * Invalidations sent lately may not have reached the client (the connection that carried
     * them ended): it is told to forget everything as soon as it can be reached.
     */
    public void invalidationsMayBeLost() {
        changes.lostTrack();
    }

    /** Invalidations sent to the client unasked so far. */
    public long invalidationsSent() {
        return changes.sentCount();
    }

    /** Open file and directory handles. */
    public int openHandleCount() {
        return handles.size();
    }

    /** Node ids the client holds, the export root included. */
    public int nodeCount() {
        return inodes.size();
    }

    /** Ends lock waits, closes every handle and inode descriptor (and with them every lock). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        interrupts.interruptAll();
        pollWatcher.close();
        changes.close();
        handles.close();
        inodes.close();
    }
}
