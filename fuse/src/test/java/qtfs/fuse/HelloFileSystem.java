package qtfs.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.InitParams;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.OutHeader;
import qtfs.sys.Errno;

import static qtfs.fuse.proto.Le.U32;
import static qtfs.fuse.proto.Le.U64;

/**
 * A tiny in-memory file system: the root directory (node 1) holding one file, "hello"
 * (node 2). Attributes are never cached (attr_valid 0), so every stat reaches the handler.
 */
final class HelloFileSystem implements FuseHandler {
    static final String FILE_NAME = "hello";
    static final byte[] CONTENT = "Hello from a FUSE file system!\n".getBytes(StandardCharsets.UTF_8);
    static final long ROOT = 1, FILE = 2;
    static final long STATFS_BLOCKS = 1000, STATFS_BSIZE = 4096;

    volatile InitParams init;
    final AtomicInteger initCalls = new AtomicInteger();
    final AtomicInteger destroyCalls = new AtomicInteger();
    final AtomicInteger fileGetattrs = new AtomicInteger();
    final AtomicInteger reads = new AtomicInteger();
    /** Where READ replies go: run at once by default; tests hold them back to show requests are not serialised. */
    volatile Consumer<Runnable> readReplies = Runnable::run;

    @Override
    public void onInit(FuseSession session, InitParams params) {
        init = params;
        initCalls.incrementAndGet();
    }

    @Override
    public void onDestroy() {
        destroyCalls.incrementAndGet();
    }

    @Override
    public void onRequest(FuseSession session, MemorySegment request) {
        long unique = InHeader.unique(request);
        long node = InHeader.nodeid(request);
        MemorySegment body = request.asSlice(InHeader.SIZE);
        Opcode opcode = Opcode.of(InHeader.opcode(request));
        switch (opcode) {
            case LOOKUP -> {
                if (node == ROOT && FILE_NAME.equals(cString(body))) {
                    MemorySegment reply = message(unique, 128);
                    MemorySegment entry = reply.asSlice(OutHeader.SIZE);
                    entry.set(U64, 0, FILE);     // nodeid
                    entry.set(U64, 8, 1);        // generation
                    entry.set(U64, 16, 1);       // entry_valid (s)
                    attr(entry.asSlice(40), FILE);
                    session.reply(reply);
                } else {
                    session.replyError(unique, Errno.ENOENT);
                }
            }
            case GETATTR -> {
                if (node != ROOT && node != FILE) {
                    session.replyError(unique, Errno.ENOENT);
                    return;
                }
                if (node == FILE) fileGetattrs.incrementAndGet();
                MemorySegment reply = message(unique, 104);
                attr(reply.asSlice(OutHeader.SIZE + 16), node);
                session.reply(reply);
            }
            case OPEN, OPENDIR -> {
                if ((opcode == Opcode.OPEN) != (node == FILE)) {
                    session.replyError(unique, opcode == Opcode.OPEN ? Errno.EISDIR : Errno.ENOTDIR);
                    return;
                }
                MemorySegment reply = message(unique, 16);
                reply.set(U64, OutHeader.SIZE, node + 100); // fh
                session.reply(reply);
            }
            case READ -> {
                reads.incrementAndGet();
                long offset = body.get(U64, 8);
                int size = body.get(U32, 16);
                int from = (int) Math.min(offset, CONTENT.length);
                int count = Math.min(size, CONTENT.length - from);
                MemorySegment reply = message(unique, count);
                MemorySegment.copy(CONTENT, from, reply, ValueLayout.JAVA_BYTE, OutHeader.SIZE, count);
                readReplies.accept(() -> session.reply(reply));
            }
            case READDIR -> session.reply(directory(unique, body.get(U64, 8), body.get(U32, 16)));
            case STATFS -> {
                MemorySegment reply = message(unique, 80);
                MemorySegment st = reply.asSlice(OutHeader.SIZE);
                st.set(U64, 0, STATFS_BLOCKS);
                st.set(U64, 8, STATFS_BLOCKS / 2);
                st.set(U64, 16, STATFS_BLOCKS / 2);
                st.set(U64, 24, 10);
                st.set(U64, 32, 8);
                st.set(U32, 40, (int) STATFS_BSIZE);
                st.set(U32, 44, 255);
                st.set(U32, 48, (int) STATFS_BSIZE);
                session.reply(reply);
            }
            case RELEASE, RELEASEDIR, FLUSH -> session.reply(message(unique, 0));
            case FORGET, BATCH_FORGET, INTERRUPT -> { }
            default -> session.replyError(unique, Errno.ENOSYS);
        }
    }

    /** A reply with its out header filled in and {@code bodySize} zeroed bytes after it. */
    static MemorySegment message(long unique, int bodySize) {
        MemorySegment m = Arena.ofAuto().allocate(OutHeader.SIZE + bodySize, 8);
        OutHeader.write(m, OutHeader.SIZE + bodySize, 0, unique);
        return m;
    }

    /** struct fuse_attr (88 bytes) of node 1 or 2. */
    private static void attr(MemorySegment a, long node) {
        boolean file = node == FILE;
        a.set(U64, 0, node);                                  // ino
        a.set(U64, 8, file ? CONTENT.length : 0);             // size
        a.set(U64, 16, file ? 1 : 0);                         // blocks
        for (long t = 24; t <= 40; t += 8) a.set(U64, t, 1_700_000_000L);
        a.set(U32, 60, file ? 0100644 : 040755);              // mode
        a.set(U32, 64, file ? 1 : 2);                         // nlink
        a.set(U32, 80, 4096);                                 // blksize
    }

    private static MemorySegment directory(long unique, long offset, int size) {
        List<String> names = List.of(".", "..", FILE_NAME);
        long[] inos = {ROOT, ROOT, FILE};
        int[] types = {4, 4, 8}; // DT_DIR, DT_DIR, DT_REG
        MemorySegment reply = message(unique, size);
        int used = 0;
        for (int i = (int) offset; i < names.size(); i++) {
            byte[] name = names.get(i).getBytes(StandardCharsets.UTF_8);
            int record = (24 + name.length + 7) & ~7;
            if (used + record > size) break;
            MemorySegment d = reply.asSlice(OutHeader.SIZE + used, record);
            d.set(U64, 0, inos[i]);
            d.set(U64, 8, i + 1L); // offset of the next entry
            d.set(U32, 16, name.length);
            d.set(U32, 20, types[i]);
            MemorySegment.copy(name, 0, d, ValueLayout.JAVA_BYTE, 24, name.length);
            used += record;
        }
        MemorySegment trimmed = reply.asSlice(0, OutHeader.SIZE + used);
        OutHeader.write(trimmed, OutHeader.SIZE + used, 0, unique);
        return trimmed;
    }

    private static String cString(MemorySegment s) {
        return s.getString(0, StandardCharsets.UTF_8);
    }
}
