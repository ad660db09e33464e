package qtfs.fuse;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.InitFlags;
import qtfs.fuse.proto.InitIn;
import qtfs.fuse.proto.InitParams;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.OutHeader;
import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.PageSize;

/**
 * One mounted FUSE file system: the /dev/fuse descriptor, the platform threads that read
 * requests from it, and the INIT exchange. Every request other than INIT and DESTROY goes to
 * a {@link FuseHandler}, on the reader thread that read it; the handler answers with
 * {@link #reply} or {@link #replyError} at once or later, from any thread. Requests are never
 * serialised: each reader thread takes the next request as soon as the handler returns.
 * onInit runs on the reader thread that received INIT, before the kernel gets the INIT reply
 * (so before any other request); onDestroy runs once, on the last reader thread to end (or in
 * {@link #close} when the session was never started).
 *
 * <p>Neither the handler nor anything it calls may touch the mount itself (stat it, open a
 * file in it): the kernel would wait for a request that only this session can answer.
 */
public final class FuseSession implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FuseSession.class.getName());

    /** INIT capabilities a network file system wants by default (no writeback cache, no local ACLs, umask applied by the kernel). */
    public static final long DEFAULT_INIT_FLAGS = InitFlags.ASYNC_READ | InitFlags.POSIX_LOCKS
            | InitFlags.ATOMIC_O_TRUNC | InitFlags.BIG_WRITES | InitFlags.FLOCK_LOCKS
            | InitFlags.AUTO_INVAL_DATA | InitFlags.DO_READDIRPLUS | InitFlags.READDIRPLUS_AUTO
            | InitFlags.ASYNC_DIO | InitFlags.PARALLEL_DIROPS | InitFlags.HANDLE_KILLPRIV_V2
            | InitFlags.MAX_PAGES | InitFlags.CACHE_SYMLINKS | InitFlags.SETXATTR_EXT
            | InitFlags.EXPORT_SUPPORT;

    /**
     * Room beyond max_write in each read buffer: a WRITE carries its headers on top of
     * max_write bytes, and a SETXATTR carries a value of up to 64 KiB whatever max_write is.
     */
    static final int READ_BUFFER_HEADROOM = 64 * 1024;
    /** How long {@link #close} waits for reader threads once the file system is unmounted. */
    private static final Duration READER_JOIN_TIMEOUT = Duration.ofSeconds(10);
    /** fusectl: one directory per live FUSE connection, named by its device number. */
    private static final Path FUSE_CONNECTIONS = Path.of("/sys/fs/fuse/connections");

    private static final ThreadLocal<MemorySegment> ERROR_REPLY =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(OutHeader.SIZE, 8));

    private final FuseMountOptions options;
    private final FuseHandler handler;
    private final Path mountpoint;
    /** Null when nothing was mounted (the device is a stand-in, in tests). */
    private final MountMethod method;
    /** Our mount as mountinfo listed it right after mounting; null if it could not be read. */
    private final MountEntry mount;
    private final FuseDevice device;
    private final String name;

    private final CompletableFuture<InitParams> init = new CompletableFuture<>();
    /** Set once INIT is agreed and the handler knows it; requests before that are refused. */
    private volatile InitParams initParams;
    private final CountDownLatch exited = new CountDownLatch(1);
    private final Object lifecycle = new Object();
    private boolean started, closing; // guarded by lifecycle
    private final List<Thread> readers = new ArrayList<>();
    private final AtomicInteger liveReaders = new AtomicInteger();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private FuseSession(FuseMountOptions options, FuseHandler handler, Path mountpoint, MountMethod method,
            MountEntry mount, int fd) {
        this.options = options;
        this.handler = handler;
        this.mountpoint = mountpoint;
        this.method = method;
        this.mount = mount;
        this.name = "FUSE mount " + mountpoint;
        this.device = new FuseDevice(fd, name);
    }

    /**
     * Mounts a FUSE file system at {@code options.mountpoint()}: with mount(2) when running as
     * root, through fusermount3 otherwise. The kernel's INIT waits until {@link #start}.
     */
    public static FuseSession mount(FuseMountOptions options, FuseHandler handler) throws FuseMountException {
        return mount(options, handler, MountMethod.forThisProcess());
    }

    static FuseSession mount(FuseMountOptions options, FuseHandler handler, MountMethod method) throws FuseMountException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        Path mountpoint = MountpointCheck.check(options.mountpoint());
        int fd = method.mount(mountpoint, options);
        MountEntry mounted = null;
        try {
            mounted = MountTable.topmostAt(MountTable.read(), mountpoint.toString())
                    .filter(m -> m.fsType().equals("fuse." + options.subtype()))
                    .orElse(null);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read /proc/self/mountinfo after mounting " + mountpoint + ": " + e);
        }
        LOG.log(Level.DEBUG, () -> "mounted fuse." + options.subtype() + " " + options.source() + " on " + mountpoint);
        return new FuseSession(options, handler, mountpoint, method, mounted, fd);
    }

    /** A session on a descriptor that speaks the FUSE device protocol but is no mount (tests drive it as the kernel). */
    static FuseSession attach(int fd, FuseMountOptions options, FuseHandler handler) {
        return new FuseSession(options, handler, options.mountpoint(), null, null, fd);
    }

    /** Starts {@code options.threads()} platform threads that read and dispatch requests. Call once. */
    public void start() {
        synchronized (lifecycle) {
            if (closing) throw new IllegalStateException(name + " is closed");
            if (started) throw new IllegalStateException(name + " is already started");
            started = true;
            liveReaders.set(options.threads());
            for (int i = 0; i < options.threads(); i++) {
                readers.add(Thread.ofPlatform().name("fuse-reader-" + i + " " + mountpoint).daemon(true)
                        .unstarted(this::serveRequests));
            }
            readers.forEach(Thread::start);
        }
    }

    /**
     * Waits until INIT is answered and returns what was agreed. Throws if the kernel's offer
     * was refused, the handler's onInit failed, the session ended first, or time ran out.
     */
    public InitParams awaitInit(Duration timeout) throws FuseMountException, InterruptedException {
        try {
            return init.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            boolean running;
            synchronized (lifecycle) {
                running = started;
            }
            throw new FuseMountException("cannot mount on " + mountpoint + ": the kernel sent no FUSE INIT within "
                    + timeout.toMillis() + " ms" + (running ? "" : " (the session was not started)"));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new FuseMountException(cause.getMessage(), cause);
        }
    }

    /** Returns once the file system is unmounted (or the session closed) and every reader thread has ended. */
    public void awaitExit() throws InterruptedException {
        exited.await();
    }

    /**
     * Writes one complete reply or notification: a fuse_out_header whose len is the segment's
     * size, then the body. Thread-safe, lock-free; native segments are written without a copy.
     * A reply the kernel no longer waits for (the request was interrupted) is dropped silently.
     *
     * @throws IllegalArgumentException when the header's len does not match the segment's size
     */
    public void reply(MemorySegment message) {
        long size = message.byteSize();
        if (size < OutHeader.SIZE || Integer.toUnsignedLong(OutHeader.len(message)) != size) {
            throw new IllegalArgumentException("a FUSE reply must start with a fuse_out_header whose len is the"
                    + " message size: got a " + size + "-byte message"
                    + (size >= OutHeader.SIZE ? " with len " + Integer.toUnsignedString(OutHeader.len(message)) : ""));
        }
        if (message.isNative()) {
            device.write(message);
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment copy = arena.allocate(size, 8);
            copy.copyFrom(message);
            device.write(copy);
        }
    }

    /** Answers request {@code unique} with an error: {@code errno} positive, e.g. {@link Errno#ENOENT}. */
    public void replyError(long unique, int errno) {
        if (errno <= 0 || errno >= 4096) throw new IllegalArgumentException("errno must be between 1 and 4095, not " + errno);
        MemorySegment reply = ERROR_REPLY.get();
        OutHeader.write(reply, OutHeader.SIZE, -errno, unique);
        device.write(reply);
    }

    /** The mountpoint as mounted: absolute, symbolic links resolved. */
    public Path mountpoint() {
        return mountpoint;
    }

    /**
     * Ends the session: unmounts lazily if still mounted, aborts the FUSE connection if the
     * detached file system is still in use, waits for the reader threads and closes
     * /dev/fuse. Idempotent; safe from a shutdown hook and from a handler's thread.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        boolean readersStarted;
        synchronized (lifecycle) {
            closing = true;
            readersStarted = started;
        }
        unmountIfMounted();
        if (!readersStarted) {
            finish();
            return;
        }
        abortIfStillConnected();
        joinReaders();
    }

    // ---- request loop ------------------------------------------------------------------

    private void serveRequests() {
        Arena arena = Arena.ofShared();
        try {
            // One buffer per thread for its lifetime: nothing is allocated per request.
            MemorySegment buffer = arena.allocate(options.maxWrite() + READ_BUFFER_HEADROOM, 4096);
            MemorySegment scratch = arena.allocate(InitNegotiation.REPLY_SIZE, 8);
            while (true) {
                long n;
                try {
                    n = device.read(buffer);
                } catch (ErrnoException e) {
                    switch (e.errno()) {
                        case Errno.EINTR, Errno.EAGAIN, Errno.ENOENT -> {
                            continue; // ENOENT: the request was interrupted before we could read it
                        }
                        case Errno.ENODEV -> {
                            LOG.log(Level.DEBUG, () -> name + ": unmounted, reader ends");
                            return;
                        }
                        default -> {
                            LOG.log(Level.ERROR, name + ": reading requests from /dev/fuse failed, this reader stops: "
                                    + e.getMessage());
                            return;
                        }
                    }
                }
                if (n == 0) {
                    LOG.log(Level.DEBUG, () -> name + ": the FUSE device reached its end, reader ends");
                    return;
                }
                if (!dispatch(buffer, n, scratch)) return;
            }
        } finally {
            try {
                arena.close();
            } catch (IllegalStateException e) {
                LOG.log(Level.WARNING, name + ": a request buffer was still in use after its handler returned", e);
            }
            if (liveReaders.decrementAndGet() == 0) finish();
        }
    }

    /** Handles one request of {@code n} bytes; returns false when this reader should stop. */
    private boolean dispatch(MemorySegment buffer, long n, MemorySegment scratch) {
        if (n < InHeader.SIZE) {
            LOG.log(Level.ERROR, name + ": the kernel sent a " + n + "-byte request, shorter than a FUSE header; ignored");
            return true;
        }
        long unique = InHeader.unique(buffer);
        int code = InHeader.opcode(buffer);
        if (Integer.toUnsignedLong(InHeader.len(buffer)) != n) {
            LOG.log(Level.ERROR, name + ": request " + Long.toUnsignedString(unique) + " (opcode " + code + ") says it is "
                    + Integer.toUnsignedString(InHeader.len(buffer)) + " bytes long but " + n + " bytes were read;"
                    + " answered EIO");
            writeError(scratch, unique, Errno.EIO);
            return true;
        }
        Opcode opcode = Opcode.of(code);
        if (opcode == null) {
            LOG.log(Level.DEBUG, () -> name + ": unknown opcode " + code + ", answered ENOSYS");
            writeError(scratch, unique, Errno.ENOSYS);
            return true;
        }
        MemorySegment request = buffer.asSlice(0, n);
        switch (opcode) {
            case INIT -> answerInit(request, unique, scratch);
            case DESTROY -> {
                OutHeader.write(scratch, OutHeader.SIZE, 0, unique);
                device.write(scratch.asSlice(0, OutHeader.SIZE));
                LOG.log(Level.DEBUG, () -> name + ": DESTROY answered, reader ends");
                return false;
            }
            default -> {
                if (initParams == null) {
                    LOG.log(Level.ERROR, name + ": " + opcode + " request before INIT was agreed; answered EIO");
                    if (expectsReply(opcode)) writeError(scratch, unique, Errno.EIO);
                } else {
                    handle(opcode, request, unique);
                }
            }
        }
        return true;
    }

    private void handle(Opcode opcode, MemorySegment request, long unique) {
        try {
            handler.onRequest(this, request);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, name + ": the file system failed on " + opcode + " request "
                    + Long.toUnsignedString(unique) + "; answered EIO", e);
            if (expectsReply(opcode)) replyError(unique, Errno.EIO);
        }
    }

    /** INTERRUPT and NOTIFY_REPLY, like the FORGETs, are answered by nothing (or by the interrupted request). */
    private static boolean expectsReply(Opcode opcode) {
        return !opcode.hasNoReply() && opcode != Opcode.INTERRUPT && opcode != Opcode.NOTIFY_REPLY;
    }

    private void answerInit(MemorySegment request, long unique, MemorySegment scratch) {
        if (init.isDone()) {
            LOG.log(Level.ERROR, name + ": a second INIT; answered EIO");
            writeError(scratch, unique, Errno.EIO);
            return;
        }
        MemorySegment body = request.asSlice(InHeader.SIZE);
        if (body.byteSize() < InitIn.COMPAT_SIZE) {
            refuseInit(scratch, unique, Errno.EIO, "the kernel's INIT request is " + body.byteSize()
                    + " bytes, shorter than any FUSE version sends");
            return;
        }
        InitParams agreed;
        try {
            agreed = InitNegotiation.negotiate(InitIn.major(body), InitIn.minor(body), InitIn.maxReadahead(body),
                    InitIn.flags(body), options.maxWrite(), options.wantedInitFlags(), PageSize.get(),
                    InitNegotiation.kernelMaxPagesLimit());
        } catch (InitNegotiation.Refused e) {
            refuseInit(scratch, unique, Errno.EPROTO, e.getMessage());
            return;
        }
        // The kernel sends nothing else until INIT is answered, so onInit runs before any request.
        try {
            handler.onInit(this, agreed);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, name + ": the file system failed to start", e);
            writeError(scratch, unique, Errno.EIO);
            init.completeExceptionally(new FuseMountException("cannot mount on " + mountpoint
                    + ": the file system failed to start: " + e.getMessage(), e));
            return;
        }
        initParams = agreed;
        int size = InitNegotiation.writeReply(scratch, unique, agreed);
        device.write(scratch.asSlice(0, size));
        if (agreed.maxWrite() < options.maxWrite()) {
            LOG.log(Level.INFO, name + ": the kernel limits max_write to " + agreed.maxWrite() + " bytes ("
                    + agreed.maxPages() + " pages); " + options.maxWrite() + " were asked for");
        }
        LOG.log(Level.DEBUG, () -> name + ": INIT agreed " + agreed);
        init.complete(agreed);
    }

    private void refuseInit(MemorySegment scratch, long unique, int errno, String reason) {
        LOG.log(Level.ERROR, name + ": " + reason);
        writeError(scratch, unique, errno);
        init.completeExceptionally(new FuseMountException("cannot mount on " + mountpoint + ": " + reason));
    }

    private void writeError(MemorySegment scratch, long unique, int errno) {
        OutHeader.write(scratch, OutHeader.SIZE, -errno, unique);
        device.write(scratch.asSlice(0, OutHeader.SIZE));
    }

    // ---- ending ------------------------------------------------------------------------

    /** Runs once, after the last reader ended (or at close when none was started). */
    private void finish() {
        if (!finished.compareAndSet(false, true)) return;
        init.completeExceptionally(new FuseMountException("cannot mount on " + mountpoint
                + ": the session ended before the kernel's INIT was answered"));
        try {
            handler.onDestroy();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, name + ": the file system failed while shutting down", e);
        }
        device.close();
        exited.countDown();
    }

    private boolean isOurs(MountEntry entry) {
        if (mount != null) {
            return entry.mountId() == mount.mountId() && entry.major() == mount.major() && entry.minor() == mount.minor();
        }
        return entry.mountPoint().equals(mountpoint.toString()) && entry.fsType().equals("fuse." + options.subtype())
                && entry.source().equals(options.source());
    }

    private void unmountIfMounted() {
        if (method == null) return;
        try {
            List<MountEntry> mounts = MountTable.read();
            Optional<MountEntry> ours = mounts.stream().filter(this::isOurs).reduce((first, second) -> second);
            if (ours.isEmpty()) return;
            String where = ours.get().mountPoint();
            MountEntry visible = MountTable.topmostAt(mounts, where).orElseThrow();
            if (!isOurs(visible)) {
                LOG.log(Level.WARNING, name + ": " + visible.describe() + " is mounted over it; not unmounting " + where);
                return;
            }
            method.unmountLazily(where);
            LOG.log(Level.DEBUG, () -> name + ": unmounted");
        } catch (IOException e) {
            LOG.log(Level.WARNING, name + ": unmounting failed: " + e.getMessage());
        }
    }

    /**
     * A lazy unmount leaves the file system alive while someone still uses it (a shell's
     * working directory, an open file). Closing means stopping, so cut the connection then,
     * through fusectl where it is mounted; the readers see ENODEV and end.
     */
    private void abortIfStillConnected() {
        if (mount == null || liveReaders.get() == 0) return;
        Path abort = FUSE_CONNECTIONS.resolve(Long.toString(mount.kernelDevice())).resolve("abort");
        if (!Files.exists(abort)) return;
        try {
            Files.writeString(abort, "1");
            LOG.log(Level.INFO, name + " was still in use after unmounting; its FUSE connection was aborted");
        } catch (IOException e) {
            LOG.log(Level.WARNING, name + ": cannot abort the FUSE connection through " + abort + ": " + e);
        }
    }

    private void joinReaders() {
        long deadline = System.nanoTime() + READER_JOIN_TIMEOUT.toNanos();
        int stillRunning = 0;
        for (Thread reader : readers) {
            if (reader == Thread.currentThread()) continue;
            try {
                long left = deadline - System.nanoTime();
                if (left > 0) reader.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (reader.isAlive()) stillRunning++;
        }
        if (stillRunning > 0) {
            LOG.log(Level.WARNING, name + ": " + stillRunning + " reader threads still serve the unmounted file system,"
                    + " which is still in use (mount fusectl on " + FUSE_CONNECTIONS + " to let close cut it off);"
                    + " they end when its last user leaves");
        }
    }
}
