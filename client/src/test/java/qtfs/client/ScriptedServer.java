package qtfs.client;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

import qtfs.fuse.proto.AttrOut;
import qtfs.fuse.proto.FuseAttr;
import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.OutHeader;
import qtfs.sys.Errno;
import qtfs.transport.Address;
import qtfs.transport.Connection;
import qtfs.transport.Frame;
import qtfs.transport.Handshake;
import qtfs.transport.Listener;
import qtfs.wire.Attach;
import qtfs.wire.Attached;
import qtfs.wire.Failure;
import qtfs.wire.FrameHeader;
import qtfs.wire.FrameType;
import qtfs.wire.FuseFrames;
import qtfs.wire.Service;

/**
 * A small qtfs server speaking the real protocol over real sockets, with a fixed script: the
 * root is an empty directory owned by uid 4242, every name is missing, and a few names make it
 * misbehave ("drop": close the connection that carried the lookup; "dropall": close them all).
 */
final class ScriptedServer implements AutoCloseable {
    static final int ROOT_UID = 4242;
    static final int MOUNT_ID = 7;
    static final long TOKEN = 0x7e57;

    /** A LOOKUP as the server saw it. */
    record Lookup(String name, int uid, int[] groups, Connection via) {}

    final Listener listener;
    final BlockingQueue<Attach> attaches = new LinkedBlockingQueue<>();
    final BlockingQueue<Lookup> lookups = new LinkedBlockingQueue<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private volatile String refuseAttachWith;

    ScriptedServer(Address.Unix address) throws IOException {
        listener = Listener.bind(address, FrameHeader.DEFAULT_MAX_FRAME_SIZE);
        Thread.ofPlatform().daemon().name("scripted-accept").start(this::acceptLoop);
    }

    void refuseAttach(String reason) {
        refuseAttachWith = reason;
    }

    int liveConnections() {
        return (int) connections.stream().filter(Connection::isOpen).count();
    }

    private void acceptLoop() {
        while (true) {
            Connection c;
            try {
                c = listener.accept().establish();
            } catch (IOException e) {
                return;
            }
            connections.add(c);
            Thread.ofPlatform().daemon().name("scripted-conn").start(() -> serve(c));
        }
    }

    private void serve(Connection c) {
        try {
            new Handshake("scripted server").accept(c, Set.of(Service.FS));
            while (true) {
                Frame f = c.receive();
                switch (f.header().type()) {
                    case ATTACH -> attach(c, f);
                    case FUSE_REQUEST -> request(c, f);
                    default -> throw new IOException("unexpected " + f.header().type());
                }
            }
        } catch (IOException e) {
            c.close();
        }
    }

    private void attach(Connection c, Frame f) throws IOException {
        Attach a = Attach.decode(f.payload());
        attaches.add(a);
        if (refuseAttachWith != null) {
            c.send(FrameType.ERROR, 0, f.header().requestId(), new Failure(Errno.EACCES, refuseAttachWith).encode());
        } else {
            c.send(FrameType.ATTACHED, MOUNT_ID, f.header().requestId(), new Attached(TOKEN).encode());
        }
    }

    private void request(Connection c, Frame f) throws IOException {
        ByteBuffer payload = f.payload();
        int[] groups = FuseFrames.readRequestGroups(payload);
        int prefix = FuseFrames.prefixSize(groups.length);
        MemorySegment req = MemorySegment.ofBuffer(payload.slice(prefix, payload.remaining() - prefix));
        int opcode = InHeader.opcode(req);
        long unique = InHeader.unique(req);
        if (opcode == Opcode.GETATTR.code && InHeader.nodeid(req) == 1) {
            MemorySegment reply = MemorySegment.ofArray(new byte[OutHeader.SIZE + AttrOut.SIZE]);
            OutHeader.write(reply, (int) reply.byteSize(), 0, unique);
            AttrOut.write(reply, OutHeader.SIZE, 0, 0);
            FuseAttr.write(reply, OutHeader.SIZE + AttrOut.ATTR, 1, 0, 0, 0, 0, 0, 0, 0, 0, 040755, 2, ROOT_UID, ROOT_UID, 0, 4096);
            c.send(FrameType.FUSE_REPLY, MOUNT_ID, f.header().requestId(), reply.asByteBuffer());
            return;
        }
        if (opcode == Opcode.LOOKUP.code) {
            byte[] raw = req.asSlice(InHeader.SIZE).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            String name = new String(raw, 0, raw.length - 1, StandardCharsets.UTF_8);
            lookups.add(new Lookup(name, InHeader.uid(req), groups, c));
            switch (name) {
                case "drop" -> {
                    c.close();
                    return;
                }
                case "dropall" -> {
                    connections.forEach(Connection::close);
                    return;
                }
                default -> { }
            }
        }
        if (opcode == Opcode.FORGET.code || opcode == Opcode.BATCH_FORGET.code || opcode == Opcode.INTERRUPT.code) return;
        ByteBuffer error = ByteBuffer.allocate(OutHeader.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        error.putInt(OutHeader.SIZE).putInt(-(opcode == Opcode.LOOKUP.code ? Errno.ENOENT : Errno.ENOSYS)).putLong(unique).flip();
        c.send(FrameType.FUSE_REPLY, MOUNT_ID, f.header().requestId(), error);
    }

    @Override
    public void close() {
        listener.close();
        connections.forEach(Connection::close);
    }
}
