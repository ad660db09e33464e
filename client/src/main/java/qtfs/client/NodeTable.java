package qtfs.client;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static qtfs.fuse.proto.Le.U32;
import static qtfs.fuse.proto.Le.U64;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import qtfs.fuse.proto.Dirent;
import qtfs.fuse.proto.EntryOut;
import qtfs.fuse.proto.ForgetIn;
import qtfs.fuse.proto.FuseAttr;
import qtfs.fuse.proto.GetattrIn;
import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.LinkIn;
import qtfs.fuse.proto.LkIn;
import qtfs.fuse.proto.MkdirIn;
import qtfs.fuse.proto.MknodIn;
import qtfs.fuse.proto.Notify;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.OpenIn;
import qtfs.fuse.proto.OpenOut;
import qtfs.fuse.proto.OutHeader;
import qtfs.fuse.proto.RenameIn;
import qtfs.fuse.proto.SetattrIn;
import qtfs.sys.Errno;
import qtfs.wire.FuseFrames;
import qtfs.wire.ProtocolException;

/**
 * The node ids and file handles the kernel knows, and the server's they stand for. The table
 * is the only allocator of the ids the kernel sees: requests are translated on their way to
 * the server ({@link #toServer}, {@link #forget}), replies and notifications on their way
 * back ({@link #toKernel}, {@link #notificationToKernel}, {@link #nodesToKernel}). It learns
 * a node from every reply that hands the kernel one (LOOKUP, CREATE, MKNOD, MKDIR, SYMLINK,
 * LINK, TMPFILE, READDIRPLUS) and an open file from OPEN, OPENDIR and CREATE, and drops them
 * when the kernel forgets or releases them: it holds what the kernel holds.
 *
 * <p>With each node it keeps the name it was last seen under (parent node and name), kept
 * current through RENAME, UNLINK and RMDIR. When the server lost the session (it restarted),
 * {@link #reestablish} finds each node again by that name, from the export root down, with
 * the server's ordinary lookups (so the whitelist and the confinement to the export apply as
 * to any lookup), accepts it only if it is the same file (inode number and type), and opens
 * again the files the kernel holds open, with their original flags. What cannot be found
 * again is lost, and only requests naming it fail (EIO): a node whose file was removed or
 * replaced, or that had no name (unlinked while open, TMPFILE); an open file of a lost node;
 * an open file on which a lock was taken (locks do not survive a server restart and are not
 * reclaimed: the holder must learn it lost the lock).
 */
final class NodeTable {
    private static final System.Logger LOG = System.getLogger(NodeTable.class.getName());
    static final long ROOT = 1;
    private static final int S_IFMT = 0170000;
    /** Flags a file is not opened again with: the file exists, its contents must stay (see the O_APPEND note in README). */
    private static final int NOT_REOPENED = 0100 /* O_CREAT */ | 0200 /* O_EXCL */ | 01000 /* O_TRUNC */ | 02000 /* O_APPEND */;
    private static final int F_UNLCK = 2;
    private static final int RENAME_EXCHANGE = 2;
    private static final int NOTIFY_INVAL_INODE = 2, NOTIFY_INVAL_ENTRY = 3, NOTIFY_STORE = 4, NOTIFY_RETRIEVE = 5, NOTIFY_DELETE = 6;
    private static final int DIRENTPLUS_NAME = EntryOut.SIZE + Dirent.NAME_OFFSET;
    /** Request bytes after the in header that may hold node ids or file handles (COPY_FILE_RANGE's 56 are the most). */
    private static final int ID_BYTES = 56;
    /** Requests the table sends itself while re-establishing: far above the uniques of the kernel. */
    private static final long OWN_UNIQUES = 1L << 62;
    private static final ByteBuffer NO_GROUPS = prefix();
    private static final Set<Opcode> LEARNS_FROM = EnumSet.of(Opcode.LOOKUP, Opcode.MKNOD, Opcode.MKDIR, Opcode.SYMLINK, Opcode.LINK,
            Opcode.CREATE, Opcode.TMPFILE, Opcode.OPEN, Opcode.OPENDIR, Opcode.READDIRPLUS, Opcode.UNLINK, Opcode.RMDIR, Opcode.RENAME,
            Opcode.RENAME2, Opcode.SETLK, Opcode.SETLKW, Opcode.RELEASE, Opcode.RELEASEDIR);

    private static final class Node {
        final long kernelId;
        /** In the current server session; 0 while not found again. */
        long serverId;
        boolean lost;
        /** Where it was last seen: parent's kernel id and name; name null when unknown (unlinked). */
        long parent;
        String name;
        long ino;
        int type;
        /** Lookups the kernel holds, and the server session (each may differ after a re-establishment). */
        long kernelLookups, serverLookups;

        Node(long kernelId, long serverId) {
            this.kernelId = kernelId;
            this.serverId = serverId;
        }
    }

    private static final class OpenFile {
        final long kernelFh;
        final Node node;
        final boolean dir;
        final int flags;
        final byte[] prefix;
        final int uid, gid, pid;
        long serverFh;
        boolean lost, locked;

        OpenFile(long kernelFh, Node node, boolean dir, int flags, byte[] prefix, int uid, int gid, int pid, long serverFh) {
            this.kernelFh = kernelFh;
            this.node = node;
            this.dir = dir;
            this.flags = flags;
            this.prefix = prefix;
            this.uid = uid;
            this.gid = gid;
            this.pid = pid;
            this.serverFh = serverFh;
        }
    }

    private record Name(long parent, String name) {}

    /** A BATCH_FORGET for the server, valid only in the session of {@code epoch}. */
    record Forget(int epoch, byte[] request) {}

    /** The connection a re-establishment talks over. */
    interface Exchange {
        /** Sends a FUSE request and returns its reply (out header and body). */
        MemorySegment call(ByteBuffer prefix, byte[] request) throws IOException;

        /** Sends a FUSE request that has no reply. */
        void send(ByteBuffer prefix, byte[] request) throws IOException;
    }

    /** What a re-establishment found again and lost. */
    record Outcome(int nodes, int lostNodes, int files, int lostFiles) {}

    private final Node root = new Node(ROOT, ROOT);
    private final Map<Long, Node> byKernel = new HashMap<>();
    private final Map<Long, Node> byServer = new HashMap<>();
    private final Map<Name, Node> byName = new HashMap<>();
    private final Map<Long, OpenFile> files = new HashMap<>();
    /**
     * The kernel's ids count up from far above the server's (which count from small numbers),
     * so that an id that missed its translation cannot pass for a right one. Node ids between
     * the root and this one are never handed out: they are free for nodes the client answers
     * for itself, which the table does not know (their requests must not reach it).
     */
    private static final long FIRST_KERNEL_ID = 1L << 40;
    private long nextNode = FIRST_KERNEL_ID;
    private long nextFh = FIRST_KERNEL_ID;
    private long nextOwnUnique = OWN_UNIQUES;
    /** Counts the server sessions: ids translated in one are meaningless in the next. */
    private int epoch = 1;

    NodeTable() {
        byKernel.put(ROOT, root);
        byServer.put(ROOT, root);
    }

    synchronized int epoch() {
        return epoch;
    }

    /** Nodes and open files held (the root excluded). */
    synchronized int size() {
        return byKernel.size() - 1 + files.size();
    }

    // ---- requests ----

    /**
     * {@code request} (a whole FUSE request from the kernel) with the server's ids: a copy of
     * its head, then the rest of it unchanged.
     */
    synchronized ByteBuffer[] toServer(byte[] request) throws NotServable {
        int head = Math.min(request.length, InHeader.SIZE + ID_BYTES);
        byte[] copy = Arrays.copyOf(request, head);
        MemorySegment m = MemorySegment.ofArray(copy);
        MemorySegment body = m.asSlice(InHeader.SIZE);
        Opcode op = Opcode.of(InHeader.opcode(m));
        // first: the release of a lost file, or of its lock, is done whatever its node
        if (op == Opcode.RELEASE || op == Opcode.RELEASEDIR) released(body);
        if ((op == Opcode.SETLK || op == Opcode.SETLKW) && unlocksLostFile(body)) {
            throw new NotServable(0, "unlocked a file whose lock went with the server");
        }
        long node = InHeader.nodeid(m);
        if (node != 0) m.set(U64, InHeader.NODEID, serverNode(node));
        if (op != null) {
            switch (op) {
                case READ, WRITE, FLUSH, FSYNC, FSYNCDIR, READDIR, READDIRPLUS, GETLK, SETLK, SETLKW, FALLOCATE, LSEEK, IOCTL, POLL ->
                        serverFh(body, 0);
                case GETATTR -> {
                    if (body.byteSize() >= GetattrIn.SIZE && (GetattrIn.flags(body) & GetattrIn.FUSE_GETATTR_FH) != 0) serverFh(body, 8);
                }
                case SETATTR -> {
                    if (body.byteSize() >= SetattrIn.FH + 8 && (SetattrIn.valid(body) & SetattrIn.FATTR_FH) != 0) serverFh(body, SetattrIn.FH);
                }
                case COPY_FILE_RANGE -> {
                    serverFh(body, 0);
                    if (body.byteSize() >= 24) body.set(U64, 16, serverNode(body.get(U64, 16)));
                    serverFh(body, 24);
                }
                case RENAME, RENAME2, LINK -> {
                    if (body.byteSize() >= 8) body.set(U64, 0, serverNode(body.get(U64, 0)));
                }
                default -> { }
            }
        }
        ByteBuffer translated = ByteBuffer.wrap(copy);
        if (head == request.length) return new ByteBuffer[] {translated};
        return new ByteBuffer[] {translated, ByteBuffer.wrap(request, head, request.length - head)};
    }

    private long serverNode(long kernelId) throws NotServable {
        Node n = byKernel.get(kernelId);
        if (n == null) throw new NotServable(Errno.EIO, "node " + kernelId + " is not known");
        if (n.lost) throw new NotServable(Errno.EIO, "node " + kernelId + " could not be found again after the server restarted");
        return n.serverId;
    }

    private void serverFh(MemorySegment body, long at) throws NotServable {
        if (body.byteSize() < at + 8) return;
        body.set(U64, at, openFile(body.get(U64, at)).serverFh);
    }

    private OpenFile openFile(long kernelFh) throws NotServable {
        OpenFile f = files.get(kernelFh);
        if (f == null) throw new NotServable(Errno.EIO, "file handle " + kernelFh + " is not known");
        if (f.lost) throw new NotServable(Errno.EIO, "open file " + kernelFh + " could not be opened again after the server restarted");
        return f;
    }

    private boolean unlocksLostFile(MemorySegment body) {
        if (body.byteSize() < LkIn.SIZE || LkIn.type(body) != F_UNLCK) return false;
        OpenFile f = files.get(LkIn.fh(body));
        return f != null && f.lost;
    }

    /** A RELEASE of a file the server does not have (lost) needs no server: it is done. */
    private void released(MemorySegment body) throws NotServable {
        if (body.byteSize() < 8) return;
        OpenFile f = files.get(body.get(U64, 0));
        if (f == null || f.lost) {
            if (f != null) files.remove(f.kernelFh);
            throw new NotServable(0, "released file handle the server does not have");
        }
        body.set(U64, 0, f.serverFh);
    }

    /**
     * The kernel's FORGET or BATCH_FORGET (a whole request): its nodes leave the table when
     * the kernel holds them no more. Returns the BATCH_FORGET that lets the server drop them
     * too, or null when there is nothing to tell it.
     */
    synchronized Forget forget(MemorySegment request) {
        Opcode op = Opcode.of(InHeader.opcode(request));
        MemorySegment body = request.asSlice(InHeader.SIZE);
        List<long[]> gone = new ArrayList<>();
        if (op == Opcode.FORGET) {
            if (body.byteSize() >= ForgetIn.SIZE) forget(InHeader.nodeid(request), ForgetIn.nlookup(body), gone);
        } else if (op == Opcode.BATCH_FORGET && body.byteSize() >= ForgetIn.BATCH_SIZE) {
            long count = Math.min(Integer.toUnsignedLong(ForgetIn.batchCount(body)), (body.byteSize() - ForgetIn.BATCH_SIZE) / ForgetIn.ONE_SIZE);
            for (int i = 0; i < count; i++) forget(ForgetIn.batchNodeid(body, i), ForgetIn.batchNlookup(body, i), gone);
        }
        if (gone.isEmpty()) return null;
        return new Forget(epoch, batchForget(InHeader.unique(request), gone));
    }

    private void forget(long kernelId, long nlookup, List<long[]> gone) {
        Node n = byKernel.get(kernelId);
        if (n == null || n == root) return;
        n.kernelLookups -= nlookup;
        if (n.kernelLookups > 0) return;
        remove(n);
        if (!n.lost && n.serverId != 0 && n.serverLookups > 0) gone.add(new long[] {n.serverId, n.serverLookups});
    }

    private void remove(Node n) {
        byKernel.remove(n.kernelId);
        if (byServer.get(n.serverId) == n) byServer.remove(n.serverId);
        unname(n);
    }

    private static byte[] batchForget(long unique, List<long[]> nodes) {
        byte[] request = new byte[InHeader.SIZE + ForgetIn.BATCH_SIZE + nodes.size() * ForgetIn.ONE_SIZE];
        MemorySegment m = MemorySegment.ofArray(request);
        InHeader.write(m, request.length, Opcode.BATCH_FORGET.code, unique, 0, 0, 0, 0);
        long[] ids = new long[nodes.size()];
        long[] counts = new long[nodes.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = nodes.get(i)[0];
            counts[i] = nodes.get(i)[1];
        }
        ForgetIn.writeBatch(m.asSlice(InHeader.SIZE), ids, counts);
        return request;
    }

    // ---- replies ----

    /**
     * Turns {@code reply} (out header and body, answering {@code request} sent with
     * {@code prefix}) into the kernel's ids, in place, and learns what it tells.
     */
    void toKernel(byte[] request, ByteBuffer prefix, ByteBuffer reply) throws ProtocolException {
        MemorySegment q = MemorySegment.ofArray(request);
        Opcode op = Opcode.of(InHeader.opcode(q));
        // most replies (reads, writes, attributes) carry no ids and teach nothing
        if (op == null || !LEARNS_FROM.contains(op)) return;
        synchronized (this) {
            toKernel(q, op, prefix, MemorySegment.ofBuffer(reply));
        }
    }

    private void toKernel(MemorySegment q, Opcode op, ByteBuffer prefix, MemorySegment r) throws ProtocolException {
        MemorySegment body = q.asSlice(InHeader.SIZE);
        long node = InHeader.nodeid(q);
        if (op == Opcode.RELEASE || op == Opcode.RELEASEDIR) {
            if (body.byteSize() >= 8) files.remove(body.get(U64, 0));
            return;
        }
        if (OutHeader.error(r) != 0) return;
        switch (op) {
            case LOOKUP -> entry(r, node, name(body, 0));
            case MKNOD -> entry(r, node, name(body, MknodIn.SIZE));
            case MKDIR -> entry(r, node, name(body, MkdirIn.SIZE));
            case SYMLINK -> entry(r, node, name(body, 0));
            case LINK -> entry(r, node, name(body, LinkIn.SIZE));
            case CREATE -> opened(q, prefix, r, entry(r, node, name(body, OpenIn.CREATE_SIZE)), OpenIn.createFlags(body), false,
                    OutHeader.SIZE + EntryOut.SIZE);
            case TMPFILE -> opened(q, prefix, r, entry(r, node, null), OpenIn.createFlags(body), false, OutHeader.SIZE + EntryOut.SIZE);
            case OPEN, OPENDIR -> opened(q, prefix, r, byKernel.get(node), OpenIn.flags(body), op == Opcode.OPENDIR, OutHeader.SIZE);
            case READDIRPLUS -> direntplus(r, node);
            case UNLINK, RMDIR -> {
                Node gone = byName.get(new Name(node, name(body, 0)));
                if (gone != null) unname(gone);
            }
            case RENAME -> renamed(node, name(body, RenameIn.SIZE), RenameIn.newdir(body), 0, body, RenameIn.SIZE);
            case RENAME2 -> renamed(node, name(body, RenameIn.RENAME2_SIZE), RenameIn.newdir(body), RenameIn.flags(body), body,
                    RenameIn.RENAME2_SIZE);
            case SETLK, SETLKW -> locked(body);
            default -> { }
        }
    }

    /** The entry at the head of a reply's body; returns its node (null for a negative entry). */
    private Node entry(MemorySegment r, long parent, String name) throws ProtocolException {
        if (r.byteSize() < OutHeader.SIZE + EntryOut.SIZE) throw new ProtocolException("entry reply of " + r.byteSize() + " bytes");
        return learn(r, OutHeader.SIZE, parent, name);
    }

    /** Learns the entry at {@code at} (one more kernel lookup) and writes the kernel's id into it. */
    private Node learn(MemorySegment r, long at, long parent, String name) {
        long serverId = EntryOut.nodeid(r, at);
        if (serverId == 0) return null;
        Node n = byServer.get(serverId);
        if (n == null) {
            n = new Node(nextNode++, serverId);
            byKernel.put(n.kernelId, n);
            byServer.put(serverId, n);
        }
        if (n != root) {
            n.kernelLookups++;
            n.serverLookups++;
            n.ino = FuseAttr.ino(r, at + EntryOut.ATTR);
            n.type = r.get(U32, at + EntryOut.ATTR + FuseAttr.MODE) & S_IFMT;
            if (name != null) name(n, parent, name);
        }
        r.set(U64, at + EntryOut.NODEID, n.kernelId);
        return n;
    }

    private void opened(MemorySegment request, ByteBuffer prefix, MemorySegment r, Node node, int flags, boolean dir, long at)
            throws ProtocolException {
        if (r.byteSize() < at + OpenOut.SIZE) throw new ProtocolException("open reply of " + r.byteSize() + " bytes");
        if (node == null) return;
        byte[] groups = new byte[prefix.remaining()];
        prefix.duplicate().get(groups);
        OpenFile f = new OpenFile(nextFh++, node, dir, flags, groups, InHeader.uid(request), InHeader.gid(request), InHeader.pid(request),
                OpenOut.fh(r, at));
        files.put(f.kernelFh, f);
        r.set(U64, at, f.kernelFh);
    }

    /** READDIRPLUS: every entry but "." and ".." is one more kernel lookup (as the kernel counts them). */
    private void direntplus(MemorySegment r, long dir) {
        long at = OutHeader.SIZE;
        while (at + DIRENTPLUS_NAME <= r.byteSize()) {
            int length = Dirent.nameLength(r, at + EntryOut.SIZE);
            long end = at + DIRENTPLUS_NAME + length;
            if (length <= 0 || end > r.byteSize()) break;
            byte[] raw = r.asSlice(at + DIRENTPLUS_NAME, length).toArray(JAVA_BYTE);
            boolean dots = raw[0] == '.' && (length == 1 || (length == 2 && raw[1] == '.'));
            if (dots) r.set(U64, at, kernelOf(EntryOut.nodeid(r, at)));
            else learn(r, at, dir, new String(raw, StandardCharsets.ISO_8859_1));
            at = (end + 7) & ~7L;
        }
    }

    private void renamed(long olddir, String oldname, long newdir, int flags, MemorySegment body, int nameAt) {
        String newname = name(body, nameAt + oldname.length() + 1);
        Node moved = byName.get(new Name(olddir, oldname));
        Node target = byName.get(new Name(newdir, newname));
        if ((flags & RENAME_EXCHANGE) != 0) {
            if (moved != null) unname(moved);
            if (target != null) name(target, olddir, oldname);
        } else if (target != null) {
            unname(target);
        }
        if (moved != null) name(moved, newdir, newname);
    }

    private void locked(MemorySegment body) {
        if (body.byteSize() < LkIn.SIZE) return;
        OpenFile f = files.get(LkIn.fh(body));
        if (f == null) return;
        if (LkIn.type(body) != F_UNLCK) f.locked = true;
        else if (LkIn.start(body) == 0 && LkIn.end(body) == LkIn.OFFSET_MAX) f.locked = false;
    }

    private void name(Node n, long parent, String name) {
        unname(n);
        n.parent = parent;
        n.name = name;
        Node previous = byName.put(new Name(parent, name), n);
        if (previous != null && previous != n) previous.name = null;
    }

    private void unname(Node n) {
        if (n.name != null) byName.remove(new Name(n.parent, n.name), n);
        n.name = null;
    }

    /** A NUL-terminated name at {@code at} in a request body (bytes kept one char each). */
    private static String name(MemorySegment body, long at) {
        long end = at;
        while (end < body.byteSize() && body.get(JAVA_BYTE, end) != 0) end++;
        return new String(body.asSlice(at, end - at).toArray(JAVA_BYTE), StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String name) {
        return name.getBytes(StandardCharsets.ISO_8859_1);
    }

    // ---- notifications ----

    /**
     * Turns a server notification (out header and body) into the kernel's ids, in place;
     * false when it names a node the kernel does not have (nothing to tell it).
     */
    synchronized boolean notificationToKernel(ByteBuffer notification) {
        MemorySegment m = MemorySegment.ofBuffer(notification);
        return switch (OutHeader.error(m)) {
            case NOTIFY_INVAL_INODE, NOTIFY_INVAL_ENTRY, NOTIFY_STORE -> translated(m, OutHeader.SIZE);
            case NOTIFY_RETRIEVE -> translated(m, OutHeader.SIZE + 8);
            case NOTIFY_DELETE -> {
                if (!translated(m, OutHeader.SIZE)) yield false;
                // a child the kernel does not have: the name is invalidated all the same
                if (m.byteSize() >= OutHeader.SIZE + 16) m.set(U64, OutHeader.SIZE + 8, kernelOf(m.get(U64, OutHeader.SIZE + 8)));
                yield true;
            }
            default -> true; // POLL carries the kernel's own poll handle
        };
    }

    private boolean translated(MemorySegment m, long at) {
        if (m.byteSize() < at + 8) return false;
        long kernelId = kernelOf(m.get(U64, at));
        if (kernelId == 0) return false;
        m.set(U64, at, kernelId);
        return true;
    }

    /** The kernel's ids of server nodes, those it does not have left out. */
    synchronized long[] nodesToKernel(long[] serverIds) {
        return Arrays.stream(serverIds).map(this::kernelOf).filter(id -> id != 0).toArray();
    }

    private long kernelOf(long serverId) {
        Node n = byServer.get(serverId);
        return n == null ? 0 : n.kernelId;
    }

    // ---- re-establishment ----

    /**
     * The server lost the session and {@code exchange} is attached to a new one: finds every
     * node again by name and opens every open file again (see the class comment). Requests
     * translated from now on carry the new session's ids.
     */
    synchronized Outcome reestablish(Exchange exchange) throws IOException {
        epoch++;
        byServer.clear();
        byServer.put(ROOT, root);
        List<Node> nodes = new ArrayList<>(byKernel.values());
        nodes.remove(root);
        Map<Node, Integer> depths = new HashMap<>();
        for (Node n : nodes) {
            n.serverId = 0;
            n.serverLookups = 0;
        }
        nodes.sort(Comparator.comparingInt(n -> depth(n, depths)));
        List<long[]> strays = new ArrayList<>();
        int lostNodes = 0;
        for (Node n : nodes) {
            if (!n.lost && !findAgain(exchange, n, strays)) {
                n.lost = true;
                lostNodes++;
                LOG.log(System.Logger.Level.WARNING, "after the server restarted, {0} could not be found again: requests for it fail with EIO",
                        n.name == null ? "a file with no name left (node " + n.kernelId + ")" : "'" + path(n) + "'");
            }
        }
        if (!strays.isEmpty()) exchange.send(NO_GROUPS, batchForget(ownUnique(), strays));
        int lostFiles = 0;
        for (OpenFile f : files.values()) {
            if (!f.lost && !openAgain(exchange, f)) {
                f.lost = true;
                lostFiles++;
            }
        }
        return new Outcome(nodes.size() - lostNodes, lostNodes, files.size() - lostFiles, lostFiles);
    }

    /**
     * What the kernel must forget after a re-establishment: the new session knows nothing of
     * what changed on the server meanwhile, so no cached attribute, page or name may be trusted.
     * One INVAL_INODE (data and attributes) per node and one INVAL_ENTRY per name it was found
     * by, in kernel ids, for the client's {@link NotificationQueue}.
     */
    synchronized List<ByteBuffer> staleCaches() {
        List<ByteBuffer> out = new ArrayList<>();
        for (Node n : byKernel.values()) {
            MemorySegment inode = MemorySegment.ofArray(new byte[Notify.INVAL_INODE_SIZE]);
            out.add(inode.asByteBuffer().limit(Notify.invalInode(inode, n.kernelId, 0, 0)));
            if (n.name == null || n == root) continue;
            byte[] name = bytes(n.name);
            MemorySegment entry = MemorySegment.ofArray(new byte[Notify.INVAL_ENTRY_HEADER_SIZE + name.length + 1]);
            out.add(entry.asByteBuffer().limit(Notify.invalEntry(entry, n.parent, name)));
        }
        return out;
    }

    /** Looks {@code n} up by its name (as root: the kernel held it, it only needs the server's new id). */
    private boolean findAgain(Exchange exchange, Node n, List<long[]> strays) throws IOException {
        Node parent = n.name == null ? null : byKernel.get(n.parent);
        if (parent == null || parent.lost || parent.serverId == 0) return false;
        byte[] name = bytes(n.name);
        byte[] request = new byte[InHeader.SIZE + name.length + 1];
        MemorySegment m = MemorySegment.ofArray(request);
        InHeader.write(m, request.length, Opcode.LOOKUP.code, ownUnique(), parent.serverId, 0, 0, 0);
        MemorySegment.copy(name, 0, m, JAVA_BYTE, InHeader.SIZE, name.length);
        MemorySegment reply = exchange.call(NO_GROUPS, request);
        if (OutHeader.error(reply) != 0 || reply.byteSize() < OutHeader.SIZE + EntryOut.SIZE) return false;
        long serverId = EntryOut.nodeid(reply, OutHeader.SIZE);
        if (serverId == 0) return false;
        Node holder = byServer.get(serverId);
        if (holder != null) {
            // the server's lookup counts against the node that holds the id now
            holder.serverLookups++;
            return false;
        }
        boolean same = FuseAttr.ino(reply, OutHeader.SIZE + EntryOut.ATTR) == n.ino
                && (reply.get(U32, OutHeader.SIZE + EntryOut.ATTR + FuseAttr.MODE) & S_IFMT) == n.type;
        if (!same) {
            strays.add(new long[] {serverId, 1});
            return false;
        }
        n.serverId = serverId;
        n.serverLookups = 1;
        byServer.put(serverId, n);
        return true;
    }

    /** Opens {@code f} again as its opener did, but without creating, truncating or appending. */
    private boolean openAgain(Exchange exchange, OpenFile f) throws IOException {
        if (f.node.lost || f.node.serverId == 0) return false;
        if (f.locked) {
            LOG.log(System.Logger.Level.WARNING, "after the server restarted, an open file of {0} held a lock, which is gone: "
                    + "the file fails with EIO", describe(f.node));
            return false;
        }
        byte[] request = new byte[InHeader.SIZE + OpenIn.SIZE];
        MemorySegment m = MemorySegment.ofArray(request);
        InHeader.write(m, request.length, (f.dir ? Opcode.OPENDIR : Opcode.OPEN).code, ownUnique(), f.node.serverId, f.uid, f.gid, f.pid);
        OpenIn.write(m.asSlice(InHeader.SIZE), f.flags & ~NOT_REOPENED, 0);
        MemorySegment reply = exchange.call(ByteBuffer.wrap(f.prefix), request);
        if (OutHeader.error(reply) != 0 || reply.byteSize() < OutHeader.SIZE + OpenOut.SIZE) {
            LOG.log(System.Logger.Level.WARNING, "after the server restarted, {0} could not be opened again ({1}): the file fails with EIO",
                    describe(f.node), Errno.describe(-OutHeader.error(reply)));
            return false;
        }
        f.serverFh = OpenOut.fh(reply, OutHeader.SIZE);
        return true;
    }

    private long ownUnique() {
        long unique = nextOwnUnique;
        nextOwnUnique += 2;
        return unique;
    }

    private int depth(Node n, Map<Node, Integer> depths) {
        Integer known = depths.get(n);
        if (known != null) return known;
        int depth = 0;
        Node at = n;
        // bounded: a loop of names cannot occur on a real tree, but the table must not hang on one
        while (at != root && depth <= byKernel.size()) {
            Node parent = at.name == null ? null : byKernel.get(at.parent);
            if (parent == null) {
                depth = Integer.MAX_VALUE;
                break;
            }
            depth++;
            at = parent;
        }
        depths.put(n, depth);
        return depth;
    }

    private String path(Node n) {
        StringBuilder path = new StringBuilder();
        Node at = n;
        for (int i = 0; at != null && at != root && at.name != null && i <= byKernel.size(); i++) {
            path.insert(0, "/" + new String(bytes(at.name), StandardCharsets.UTF_8));
            at = byKernel.get(at.parent);
        }
        return path.isEmpty() ? "/" : path.substring(1);
    }

    private String describe(Node n) {
        return n.name == null ? "node " + n.kernelId : "'" + path(n) + "'";
    }

    private static ByteBuffer prefix() {
        ByteBuffer b = ByteBuffer.allocate(FuseFrames.prefixSize(0)).order(ByteOrder.LITTLE_ENDIAN);
        FuseFrames.writePrefix(b, new int[0]);
        return b.flip().asReadOnlyBuffer();
    }
}
