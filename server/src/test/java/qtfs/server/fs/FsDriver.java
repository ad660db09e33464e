package qtfs.server.fs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import qtfs.fuse.proto.Dirent;
import qtfs.fuse.proto.EntryOut;
import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.InitFlags;
import qtfs.fuse.proto.InitParams;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.OutHeader;
import qtfs.server.whitelist.Section;
import qtfs.server.whitelist.Whitelist;
import qtfs.server.whitelist.WhitelistException;
import qtfs.sys.OpenFlags;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives a {@link FileSystemSession} the way a client would: builds FUSE requests, hands
 * them to {@code handle} on dedicated platform threads (credential switches stay off the
 * test thread), and decodes the replies. The export is a fresh directory under /tmp.
 */
final class FsDriver implements AutoCloseable {
    static final long ROOT = 1;
    static final int MAX_WRITE = 128 * 1024;
    static final InitParams INIT = new InitParams(7, 38,
            InitFlags.POSIX_LOCKS | InitFlags.FLOCK_LOCKS | InitFlags.DO_READDIRPLUS | InitFlags.SETXATTR_EXT
                    | InitFlags.ATOMIC_O_TRUNC | InitFlags.BIG_WRITES | InitFlags.MAX_PAGES,
            MAX_WRITE, MAX_WRITE, 32, 1);

    final Path base;      // holds the export and things beside it
    final Path export;
    final FileSystemSession fs;
    int uid, gid;
    int[] groups = new int[0];
    /** The notifications the session sent, in order (each a fuse_out_header and its body). */
    final List<byte[]> notifications = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The notifications the session sent unasked (its push channel), in order. */
    final List<byte[]> pushed = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Whether the push channel takes notifications (false: as if the client had no connection). */
    volatile boolean reachable = true;
    /** Where requests note nodes without extended attributes; null: not asked for. */
    XattrHints hints;
    /** Serve as a thread that must not wait for the disk (FileSystemSession.handleWithoutWaiting). */
    boolean withoutWaiting;

    private final AtomicLong unique = new AtomicLong(1);
    private final ExecutorService worker = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("fs-worker").factory());
    private final ExecutorService second = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("fs-worker-2").factory());

    private FsDriver(Path base, Path export, FileSystemSession fs) {
        this.base = base;
        this.export = export;
        this.fs = fs;
    }

    /** An export that every section allows. */
    static FsDriver open() throws Exception {
        return open(export -> allSections(export));
    }

    interface WhitelistText {
        String forExport(Path export);
    }

    static FsDriver open(WhitelistText whitelist) throws Exception {
        return open(whitelist, DescriptorBudget.forThisProcess());
    }

    /** An export that every section allows, whose inodes may hold at most {@code budget} descriptors. */
    static FsDriver open(DescriptorBudget budget) throws Exception {
        return open(export -> allSections(export), budget);
    }

    /** An export that every section allows, serving FIFOs as stream files or not. */
    static FsDriver openWithFifoStreams(boolean fifoStreams) throws Exception {
        return openWithFifoStreams(fifoStreams, PushChannel.NONE);
    }

    /** The same, with the notifications that answer no request (poll wake-ups) sent to {@code push}. */
    static FsDriver openWithFifoStreams(boolean fifoStreams, PushChannel push) throws Exception {
        return open(export -> allSections(export), DescriptorBudget.forThisProcess(), fifoStreams, push);
    }

    private static FsDriver open(WhitelistText whitelist, DescriptorBudget budget) throws Exception {
        return open(whitelist, budget, false, PushChannel.NONE);
    }

    private static FsDriver open(WhitelistText whitelist, DescriptorBudget budget, boolean fifoStreams, PushChannel push)
            throws Exception {
        Path base = Files.createTempDirectory(Path.of("/tmp"), "qtfs-server-test-");
        Path export = Files.createDirectory(base.resolve("export"));
        try {
            Whitelist wl = Whitelist.parse(whitelist.forExport(export), "test-whitelist");
            return new FsDriver(base, export, FileSystemSession.open(export.toString(), wl, INIT, CacheTimes.DEFAULT,
                    qtfs.sys.Arch.current(), budget, fifoStreams, null, push));
        } catch (Exception | Error e) {
            Files.delete(export);
            Files.delete(base);
            throw e;
        }
    }

    /**
     * A session of {@code export} whose changes {@code watcher} watches; its push channel
     * records into {@link #pushed}. Only its own temporary directory is deleted on close.
     */
    static FsDriver watched(ChangeWatcher watcher, Path export, String whitelist) throws Exception {
        Path base = Files.createTempDirectory(Path.of("/tmp"), "qtfs-server-test-");
        FsDriver[] driver = new FsDriver[1];
        PushChannel push = m -> {
            FsDriver d = driver[0];
            if (d == null || !d.reachable) return false;
            d.pushed.add(m.toArray(JAVA_BYTE));
            return true;
        };
        try {
            driver[0] = new FsDriver(base, export, FileSystemSession.open(export.toString(), parse(whitelist), INIT,
                    CacheTimes.DEFAULT, qtfs.sys.Arch.current(), false, watcher, push));
            return driver[0];
        } catch (Exception | Error e) {
            Files.delete(base);
            throw e;
        }
    }

    /** A driver serving an existing directory; nothing is deleted on close. */
    static FsDriver openExisting(String path, String whitelist) throws Exception {
        Path base = Files.createTempDirectory(Path.of("/tmp"), "qtfs-server-test-");
        try {
            return new FsDriver(base, Path.of(path), FileSystemSession.open(path, Whitelist.parse(whitelist, "test"), INIT));
        } catch (Exception | Error e) {
            Files.delete(base);
            throw e;
        }
    }

    static String allSections(Path export) {
        StringBuilder b = new StringBuilder();
        for (Section s : Section.values()) b.append('[').append(s.title).append("]\nPath=").append(export).append('\n');
        return b.toString();
    }

    static Whitelist parse(String text) throws WhitelistException {
        return Whitelist.parse(text, "test");
    }

    /** Sends one request (header built here, {@code body} after it) and returns the decoded reply. */
    Reply call(Opcode op, long nodeid, RequestBody body) {
        return call(worker, op.code, nodeid, body.toBytes(), -1);
    }

    Reply call(Opcode op, long nodeid) {
        return call(op, nodeid, new RequestBody());
    }

    /** The same on a second worker thread, for requests that block. */
    Future<Reply> callAsync(Opcode op, long nodeid, RequestBody body, long uniqueId) {
        byte[] bytes = body.toBytes();
        return second.submit(() -> send(op.code, nodeid, bytes, uniqueId, bytes.length + InHeader.SIZE));
    }

    long nextUnique() {
        return unique.getAndIncrement();
    }

    Reply call(ExecutorService on, int opcode, long nodeid, byte[] body, long uniqueId) {
        try {
            return on.submit(() -> send(opcode, nodeid, body, uniqueId, body.length + InHeader.SIZE)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("handle() must not throw", e);
        }
    }

    /** A raw request whose header may lie about its length; runs on the worker. */
    Reply callRaw(int opcode, long nodeid, byte[] body, int claimedLength) {
        try {
            return worker.submit(() -> send(opcode, nodeid, body, -1, claimedLength)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("handle() must not throw", e);
        }
    }

    ExecutorService fsWorker() {
        return worker;
    }

    /** Runs on the worker thread (e.g. to check what it acts as). */
    <T> T onWorker(java.util.concurrent.Callable<T> task) throws Exception {
        return worker.submit(task).get();
    }

    private Reply send(int opcode, long nodeid, byte[] body, long uniqueId, int claimedLength) {
        long u = uniqueId >= 0 ? uniqueId : nextUnique();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = arena.allocate(InHeader.SIZE + body.length, 8);
            InHeader.write(req, claimedLength, opcode, u, nodeid, uid, gid, 4242);
            MemorySegment.copy(body, 0, req, JAVA_BYTE, InHeader.SIZE, body.length);
            MemorySegment reply = arena.allocate(MAX_WRITE + 4096 + OutHeader.SIZE, 8);
            reply.fill((byte) 0x5a);
            NotificationSink sink = m -> notifications.add(m.toArray(JAVA_BYTE));
            int n = withoutWaiting ? fs.handleWithoutWaiting(req, groups, reply, sink, hints) : fs.handle(req, groups, reply, sink, hints);
            if (n == 0) return new Reply(u, 0, MemorySegment.ofArray(new byte[0]));
            if (n == FileSystemSession.WOULD_WAIT) return Reply.WOULD_WAIT;
            assertEquals(n, OutHeader.len(reply), "reply length field");
            assertEquals(u, OutHeader.unique(reply), "reply unique");
            int error = OutHeader.error(reply);
            assertTrue(error <= 0, "error field must be 0 or a negative errno");
            if (error != 0) assertEquals(OutHeader.SIZE, n, "an error reply has no body");
            byte[] out = reply.asSlice(OutHeader.SIZE, n - OutHeader.SIZE).toArray(JAVA_BYTE);
            return new Reply(u, -error, MemorySegment.ofArray(out));
        }
    }

    // ---- one method per request kind, with the usual arguments ----

    Reply lookup(long parent, String name) {
        return call(Opcode.LOOKUP, parent, new RequestBody().name(name));
    }

    Reply getattr(long node) {
        return call(Opcode.GETATTR, node, new RequestBody().u32(0).u32(0).u64(0));
    }

    Reply forget(long node, long n) {
        return call(Opcode.FORGET, node, new RequestBody().u64(n));
    }

    Reply mkdir(long parent, String name, int mode) {
        return call(Opcode.MKDIR, parent, new RequestBody().u32(mode).u32(0).name(name));
    }

    Reply mknod(long parent, String name, int mode) {
        return call(Opcode.MKNOD, parent, new RequestBody().u32(mode).u32(0).u32(0).u32(0).name(name));
    }

    Reply rmdir(long parent, String name) {
        return call(Opcode.RMDIR, parent, new RequestBody().name(name));
    }

    Reply unlink(long parent, String name) {
        return call(Opcode.UNLINK, parent, new RequestBody().name(name));
    }

    Reply create(long parent, String name, int flags, int mode) {
        return call(Opcode.CREATE, parent, new RequestBody().u32(flags).u32(mode).u32(0).u32(0).name(name));
    }

    Reply open(long node, int flags) {
        return call(Opcode.OPEN, node, new RequestBody().u32(flags).u32(0));
    }

    Reply opendir(long node) {
        return call(Opcode.OPENDIR, node, new RequestBody().u32(OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY).u32(0));
    }

    Reply read(long node, long fh, long offset, int size) {
        return call(Opcode.READ, node, new RequestBody().u64(fh).u64(offset).u32(size).u32(0).u64(0).u32(0).u32(0));
    }

    Reply write(long node, long fh, long offset, byte[] data) {
        return call(Opcode.WRITE, node, new RequestBody().u64(fh).u64(offset).u32(data.length).u32(0).u64(0).u32(0).u32(0).raw(data));
    }

    Reply release(long node, long fh) {
        return call(Opcode.RELEASE, node, new RequestBody().u64(fh).u32(0).u32(0).u64(0));
    }

    Reply releasedir(long node, long fh) {
        return call(Opcode.RELEASEDIR, node, new RequestBody().u64(fh).u32(0).u32(0).u64(0));
    }

    Reply flush(long node, long fh, long owner) {
        return call(Opcode.FLUSH, node, new RequestBody().u64(fh).u32(0).u32(0).u64(owner));
    }

    Reply rename(long parent, String from, long newParent, String to) {
        return call(Opcode.RENAME, parent, new RequestBody().u64(newParent).name(from).name(to));
    }

    Reply rename2(long parent, String from, long newParent, String to, int flags) {
        return call(Opcode.RENAME2, parent, new RequestBody().u64(newParent).u32(flags).u32(0).name(from).name(to));
    }

    Reply link(long node, long newParent, String name) {
        return call(Opcode.LINK, newParent, new RequestBody().u64(node).name(name));
    }

    Reply symlink(long parent, String name, String target) {
        return call(Opcode.SYMLINK, parent, new RequestBody().name(name).name(target));
    }

    Reply readlink(long node) {
        return call(Opcode.READLINK, node);
    }

    Reply setattr(long node, int valid, long fh, long size, long atime, int atimensec, long mtime, int mtimensec,
                  int mode, int uid, int gid) {
        return call(Opcode.SETATTR, node, new RequestBody().u32(valid).u32(0).u64(fh).u64(size).u64(0)
                .u64(atime).u64(mtime).u64(0).u32(atimensec).u32(mtimensec).u32(0).u32(mode).u32(0)
                .u32(uid).u32(gid).u32(0));
    }

    Reply setxattr(long node, String name, byte[] value, int flags) {
        return call(Opcode.SETXATTR, node, new RequestBody().u32(value.length).u32(flags).u32(0).u32(0).name(name).raw(value));
    }

    Reply getxattr(long node, String name, int size) {
        return call(Opcode.GETXATTR, node, new RequestBody().u32(size).u32(0).name(name));
    }

    Reply listxattr(long node, int size) {
        return call(Opcode.LISTXATTR, node, new RequestBody().u32(size).u32(0));
    }

    Reply removexattr(long node, String name) {
        return call(Opcode.REMOVEXATTR, node, new RequestBody().name(name));
    }

    Reply fallocate(long node, long fh, long offset, long length, int mode) {
        return call(Opcode.FALLOCATE, node, new RequestBody().u64(fh).u64(offset).u64(length).u32(mode).u32(0));
    }

    Reply lseek(long node, long fh, long offset, int whence) {
        return call(Opcode.LSEEK, node, new RequestBody().u64(fh).u64(offset).u32(whence).u32(0));
    }

    Reply copyFileRange(long nodeIn, long fhIn, long offIn, long nodeOut, long fhOut, long offOut, long len) {
        return call(Opcode.COPY_FILE_RANGE, nodeIn, new RequestBody().u64(fhIn).u64(offIn).u64(nodeOut).u64(fhOut)
                .u64(offOut).u64(len).u64(0));
    }

    static RequestBody lk(long fh, long owner, long start, long end, int type, int lkFlags) {
        return lk(fh, owner, start, end, type, lkFlags, 4242);
    }

    /** A lock request from the client process {@code pid}. */
    static RequestBody lk(long fh, long owner, long start, long end, int type, int lkFlags, int pid) {
        return new RequestBody().u64(fh).u64(owner).u64(start).u64(end).u32(type).u32(pid).u32(lkFlags).u32(0);
    }

    Reply access(long node, int mask) {
        return call(Opcode.ACCESS, node, new RequestBody().u32(mask).u32(0));
    }

    Reply statfs(long node) {
        return call(Opcode.STATFS, node);
    }

    /** Creates {@code name} in the root with {@code data} and returns (nodeid, fh) of a read-write handle. */
    long[] createFile(String name, byte[] data) {
        Reply r = create(ROOT, name, OpenFlags.O_RDWR, 0644).ok();
        long node = r.nodeid(), fh = r.createFh();
        if (data.length > 0) write(node, fh, 0, data).ok();
        return new long[] {node, fh};
    }

    /** A directory entry as READDIR/READDIRPLUS returned it. */
    record Entry(String name, long ino, long off, int type, long nodeid) {}

    /** Decodes a READDIR (plus = false) or READDIRPLUS reply. */
    static List<Entry> entries(Reply r, boolean plus) {
        MemorySegment m = r.ok().body();
        List<Entry> list = new ArrayList<>();
        long at = 0;
        while (at < m.byteSize()) {
            long nodeid = 0;
            long d = at;
            if (plus) {
                nodeid = EntryOut.nodeid(m, at);
                d = at + Dirent.PLUS_DIRENT_OFFSET;
            }
            int nameLength = Dirent.nameLength(m, d);
            String name = new String(m.asSlice(d + Dirent.NAME_OFFSET, nameLength).toArray(JAVA_BYTE),
                    java.nio.charset.StandardCharsets.UTF_8);
            list.add(new Entry(name, Dirent.ino(m, d), Dirent.off(m, d), Dirent.type(m, d), nodeid));
            at += plus ? Dirent.plusSize(nameLength) : Dirent.size(nameLength);
        }
        assertEquals(m.byteSize(), at, "entries fill the reply exactly");
        return list;
    }

    Reply readdir(long node, long fh, long offset, int size, boolean plus) {
        return call(plus ? Opcode.READDIRPLUS : Opcode.READDIR, node,
                new RequestBody().u64(fh).u64(offset).u32(size).u32(0).u64(0).u32(0).u32(0));
    }

    @Override
    public void close() throws IOException {
        fs.close();
        worker.shutdownNow();
        second.shutdownNow();
        try (Stream<Path> walk = Files.walk(base)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // immutable or busy leftovers: report, do not hide other failures
                    System.err.println("could not remove " + p + ": " + e);
                }
            }
        }
    }
}
