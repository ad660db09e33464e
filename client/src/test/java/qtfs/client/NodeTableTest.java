package qtfs.client;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;
import static qtfs.fuse.proto.Le.U32;
import static qtfs.fuse.proto.Le.U64;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import qtfs.fuse.proto.Dirent;
import qtfs.fuse.proto.EntryOut;
import qtfs.fuse.proto.FuseAttr;
import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.LkIn;
import qtfs.fuse.proto.Notify;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.OpenIn;
import qtfs.fuse.proto.OutHeader;
import qtfs.fuse.proto.SetattrIn;
import qtfs.sys.Errno;

class NodeTableTest {
    private static final ByteBuffer NO_GROUPS = ByteBuffer.allocate(8);
    private static final int S_IFREG = 0100000, S_IFDIR = 0040000;
    private static final int O_WRONLY = 1, O_APPEND = 02000, O_TRUNC = 01000;

    private final NodeTable table = new NodeTable();
    private long unique = 2;

    private byte[] request(Opcode op, long node, byte[] body) {
        byte[] r = new byte[InHeader.SIZE + body.length];
        MemorySegment m = MemorySegment.ofArray(r);
        InHeader.write(m, r.length, op.code, unique += 2, node, 1000, 1000, 42);
        MemorySegment.copy(body, 0, m, JAVA_BYTE, InHeader.SIZE, body.length);
        return r;
    }

    private static byte[] name(String name) {
        return (name + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static ByteBuffer entryReply(long serverId, long ino, int mode) {
        ByteBuffer b = ByteBuffer.allocate(OutHeader.SIZE + EntryOut.SIZE + FuseAttr.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        MemorySegment m = MemorySegment.ofBuffer(b);
        OutHeader.write(m, (int) m.byteSize(), 0, 0);
        m.set(U64, OutHeader.SIZE, serverId);
        m.set(U64, OutHeader.SIZE + EntryOut.ATTR + FuseAttr.INO, ino);
        m.set(U32, OutHeader.SIZE + EntryOut.ATTR + FuseAttr.MODE, mode);
        return b;
    }

    private static ByteBuffer openReply(long serverFh) {
        ByteBuffer b = ByteBuffer.allocate(OutHeader.SIZE + 16).order(ByteOrder.LITTLE_ENDIAN);
        MemorySegment m = MemorySegment.ofBuffer(b);
        OutHeader.write(m, (int) m.byteSize(), 0, 0);
        m.set(U64, OutHeader.SIZE, serverFh);
        return b;
    }

    /** LOOKUP of {@code name} in kernel node {@code parent}, answered with server node {@code serverId}; returns the kernel's id. */
    private long lookup(long parent, String name, long serverId, long ino, int mode) throws Exception {
        ByteBuffer reply = entryReply(serverId, ino, mode);
        table.toKernel(request(Opcode.LOOKUP, parent, name(name)), NO_GROUPS, reply);
        return reply.getLong(OutHeader.SIZE);
    }

    private long open(long node, int flags, long serverFh) throws Exception {
        byte[] body = new byte[OpenIn.SIZE];
        OpenIn.write(MemorySegment.ofArray(body), flags, 0);
        ByteBuffer reply = openReply(serverFh);
        table.toKernel(request(Opcode.OPEN, node, body), NO_GROUPS, reply);
        return reply.getLong(OutHeader.SIZE);
    }

    private static long u64(ByteBuffer[] translated, int at) {
        return translated[0].order(ByteOrder.LITTLE_ENDIAN).getLong(at);
    }

    private byte[] read(long node, long fh) {
        byte[] body = new byte[40];
        MemorySegment.ofArray(body).set(U64, 0, fh);
        return request(Opcode.READ, node, body);
    }

    @Test
    void theKernelSeesIdsOfItsOwnAndRequestsCarryTheServers() throws Exception {
        long dir = lookup(NodeTable.ROOT, "d", 2, 100, S_IFDIR);
        long file = lookup(dir, "f", 3, 101, S_IFREG);
        assertNotEquals(2, dir);
        assertNotEquals(3, file);
        assertEquals(dir, lookup(NodeTable.ROOT, "d", 2, 100, S_IFDIR), "the same server node is the same kernel node");
        long fh = open(file, 0, 7);
        ByteBuffer[] out = table.toServer(read(file, fh));
        assertEquals(3, u64(out, (int) InHeader.NODEID));
        assertEquals(7, u64(out, InHeader.SIZE));

        byte[] truncate = new byte[SetattrIn.SIZE];
        SetattrIn.write(MemorySegment.ofArray(truncate), SetattrIn.FATTR_SIZE | SetattrIn.FATTR_FH, fh, 0, 0, 0, 0, 0, 0, 0, 0);
        assertEquals(7, u64(table.toServer(request(Opcode.SETATTR, file, truncate)), InHeader.SIZE + (int) SetattrIn.FH),
                "ftruncate's file handle");

        byte[] link = request(Opcode.LINK, dir, concat(new byte[8], name("g")));
        MemorySegment.ofArray(link).set(U64, InHeader.SIZE, file);
        assertEquals(3, u64(table.toServer(link), InHeader.SIZE), "LINK's old node");

        ByteBuffer inval = ByteBuffer.allocate(Notify.INVAL_INODE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        Notify.invalInode(MemorySegment.ofBuffer(inval), 3, 0, 0);
        assertTrue(table.notificationToKernel(inval));
        assertEquals(file, inval.getLong(OutHeader.SIZE));
        Notify.invalInode(MemorySegment.ofBuffer(inval), 99, 0, 0);
        assertFalse(table.notificationToKernel(inval), "a node the kernel does not have");
        assertArrayEquals(new long[] {dir}, table.nodesToKernel(new long[] {2, 99}));

        NotServable unknown = assertThrows(NotServable.class, () -> table.toServer(read(12345, fh)));
        assertEquals(Errno.EIO, unknown.errno);
    }

    @Test
    void readdirplusEntriesAreLearntAndTheDotsAreNotCounted() throws Exception {
        String[] names = {".", "..", "child"};
        long[] ids = {1, 1, 5};
        ByteBuffer reply = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        MemorySegment m = MemorySegment.ofBuffer(reply);
        long at = OutHeader.SIZE;
        for (int i = 0; i < names.length; i++) {
            m.set(U64, at, ids[i]);
            m.set(U32, at + EntryOut.ATTR + FuseAttr.MODE, S_IFREG);
            byte[] n = names[i].getBytes(StandardCharsets.US_ASCII);
            at = Dirent.write(m, at + EntryOut.SIZE, 0, i + 1, 8, MemorySegment.ofArray(n), n.length);
        }
        OutHeader.write(m, (int) at, 0, 0);
        reply.limit((int) at);
        table.toKernel(request(Opcode.READDIRPLUS, NodeTable.ROOT, new byte[40]), NO_GROUPS, reply);
        long child = lookup(NodeTable.ROOT, "child", 5, 0, S_IFREG);
        assertEquals(1, table.size(), "one node (the root is not counted): the entry's node is the looked-up one");
        byte[] forget = request(Opcode.FORGET, child, new byte[8]);
        MemorySegment.ofArray(forget).set(U64, InHeader.SIZE, 1);
        assertNull(table.forget(MemorySegment.ofArray(forget)), "the kernel still holds one lookup");
        NodeTable.Forget last = table.forget(MemorySegment.ofArray(forget));
        MemorySegment batch = MemorySegment.ofArray(last.request());
        assertEquals(Opcode.BATCH_FORGET.code, InHeader.opcode(batch));
        assertEquals(5, batch.get(U64, InHeader.SIZE + 8));
        assertEquals(2, batch.get(U64, InHeader.SIZE + 16), "the server had answered two lookups");
    }

    /** A server that restarted: the same tree under new node ids and file handles. */
    private static final class RestartedServer implements NodeTable.Exchange {
        final Map<String, long[]> tree = new HashMap<>(); // "parentId/name" -> {id, ino, mode}
        final List<int[]> opens = new ArrayList<>();
        final List<byte[]> sent = new ArrayList<>();

        @Override
        public MemorySegment call(ByteBuffer prefix, byte[] request) {
            MemorySegment q = MemorySegment.ofArray(request);
            long node = InHeader.nodeid(q);
            if (InHeader.opcode(q) == Opcode.LOOKUP.code) {
                String name = new String(request, InHeader.SIZE, request.length - InHeader.SIZE - 1, StandardCharsets.US_ASCII);
                long[] found = tree.get(node + "/" + name);
                if (found == null) return MemorySegment.ofBuffer(error(Errno.ENOENT));
                return MemorySegment.ofBuffer(entryReply(found[0], found[1], (int) found[2]));
            }
            opens.add(new int[] {(int) node, OpenIn.flags(q.asSlice(InHeader.SIZE)), InHeader.uid(q)});
            return MemorySegment.ofBuffer(openReply(500 + opens.size()));
        }

        @Override
        public void send(ByteBuffer prefix, byte[] request) {
            sent.add(request);
        }

        private static ByteBuffer error(int errno) {
            ByteBuffer b = ByteBuffer.allocate(OutHeader.SIZE).order(ByteOrder.LITTLE_ENDIAN);
            OutHeader.write(MemorySegment.ofBuffer(b), OutHeader.SIZE, -errno, 0);
            return b;
        }
    }

    @Test
    void aRestartedServerGetsNodesByNameAndOpenFilesAgainAndWhatIsGoneFailsAlone() throws Exception {
        long dir = lookup(NodeTable.ROOT, "d", 2, 100, S_IFDIR);
        long kept = lookup(dir, "old-name", 3, 101, S_IFREG);
        long gone = lookup(dir, "gone", 4, 102, S_IFREG);
        long replaced = lookup(dir, "replaced", 5, 103, S_IFREG);
        long lockedFile = lookup(dir, "locked", 6, 104, S_IFREG);
        byte[] rename = request(Opcode.RENAME, dir, concat(new byte[8], concat(name("old-name"), name("kept"))));
        MemorySegment.ofArray(rename).set(U64, InHeader.SIZE, dir);
        table.toKernel(rename, NO_GROUPS, entryReplyOk());
        long keptFh = open(kept, O_WRONLY | O_APPEND | O_TRUNC, 10);
        long goneFh = open(gone, 0, 11);
        long lockedFh = open(lockedFile, 0, 12);
        byte[] lk = new byte[LkIn.SIZE];
        LkIn.write(MemorySegment.ofArray(lk), lockedFh, 1, 0, LkIn.OFFSET_MAX, 1 /* F_WRLCK */, 42, 0);
        table.toKernel(request(Opcode.SETLK, lockedFile, lk), NO_GROUPS, entryReplyOk());

        RestartedServer server = new RestartedServer();
        server.tree.put("1/d", new long[] {20, 100, S_IFDIR});
        server.tree.put("20/kept", new long[] {21, 101, S_IFREG});
        server.tree.put("20/replaced", new long[] {22, 999, S_IFREG});
        server.tree.put("20/locked", new long[] {23, 104, S_IFREG});
        int epoch = table.epoch();
        NodeTable.Outcome outcome = table.reestablish(server);
        assertEquals(epoch + 1, table.epoch());
        assertEquals(new NodeTable.Outcome(3, 2, 1, 2), outcome);

        ByteBuffer[] out = table.toServer(read(kept, keptFh));
        assertEquals(21, u64(out, (int) InHeader.NODEID), "found again under the name it was renamed to");
        assertEquals(501, u64(out, InHeader.SIZE));
        assertEquals(O_WRONLY, server.opens.getFirst()[1], "opened again without O_APPEND or O_TRUNC");
        assertEquals(1000, server.opens.getFirst()[2], "as its opener");
        assertEquals(1, server.sent.size(), "the replaced file's new node is forgotten at once");

        assertEquals(Errno.EIO, assertThrows(NotServable.class, () -> table.toServer(read(gone, goneFh))).errno);
        assertEquals(Errno.EIO, assertThrows(NotServable.class, () -> table.toServer(read(replaced, 0))).errno);
        assertEquals(Errno.EIO, assertThrows(NotServable.class, () -> table.toServer(read(lockedFile, lockedFh))).errno,
                "a file that held a lock fails");
        byte[] release = new byte[24];
        MemorySegment.ofArray(release).set(U64, 0, goneFh);
        assertEquals(0, assertThrows(NotServable.class, () -> table.toServer(request(Opcode.RELEASE, gone, release))).errno,
                "releasing a lost file needs no server");
    }

    private static ByteBuffer entryReplyOk() {
        ByteBuffer b = ByteBuffer.allocate(OutHeader.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        OutHeader.write(MemorySegment.ofBuffer(b), OutHeader.SIZE, 0, 0);
        return b;
    }
}
