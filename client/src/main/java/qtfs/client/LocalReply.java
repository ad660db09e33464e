package qtfs.client;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import qtfs.fuse.FuseSession;
import qtfs.fuse.proto.AttrOut;
import qtfs.fuse.proto.EntryOut;
import qtfs.fuse.proto.FuseAttr;
import qtfs.fuse.proto.OutHeader;
import qtfs.fuse.proto.XattrIn;

/** Replies the client writes to the kernel itself, from a per-thread native buffer (no allocation, no copy). */
final class LocalReply {
    private LocalReply() {}

    /** Room for an out header and the largest body a local reply carries (an entry). */
    private static final int SIZE = OutHeader.SIZE + EntryOut.SIZE;
    private static final ThreadLocal<MemorySegment> BUFFER = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(SIZE, 8));

    /** A getxattr/listxattr size query's answer: struct fuse_getxattr_out. */
    static void xattrSize(FuseSession session, long unique, int size) {
        MemorySegment reply = BUFFER.get();
        int length = OutHeader.SIZE + XattrIn.GETXATTR_OUT_SIZE;
        OutHeader.write(reply, length, 0, unique);
        XattrIn.writeGetOut(reply, OutHeader.SIZE, size);
        session.reply(reply.asSlice(0, length));
    }

    /** Success without a body. */
    static void ok(FuseSession session, long unique) {
        MemorySegment reply = BUFFER.get();
        OutHeader.write(reply, OutHeader.SIZE, 0, unique);
        session.reply(reply.asSlice(0, OutHeader.SIZE));
    }

    /** Attributes of a node the client made up itself, never cached: identity, type and size, all times at {@code epochSecond}. */
    record Attributes(long ino, long size, int mode, long epochSecond) {
        void write(MemorySegment m, long at) {
            FuseAttr.write(m, at, ino, size, 0, epochSecond, 0, epochSecond, 0, epochSecond, 0, mode, 1, 0, 0, 0, 4096);
        }
    }

    /** A LOOKUP's answer: node {@code nodeid} with {@code attributes}, to be asked again at the next lookup (timeouts 0). */
    static void entry(FuseSession session, long unique, long nodeid, Attributes attributes) {
        MemorySegment reply = BUFFER.get();
        int length = OutHeader.SIZE + EntryOut.SIZE;
        reply.asSlice(0, length).fill((byte) 0);
        OutHeader.write(reply, length, 0, unique);
        EntryOut.write(reply, OutHeader.SIZE, nodeid, 0, 0, 0, 0, 0);
        attributes.write(reply, OutHeader.SIZE + EntryOut.ATTR);
        session.reply(reply.asSlice(0, length));
    }

    /** A GETATTR's answer, not to be cached. */
    static void attr(FuseSession session, long unique, Attributes attributes) {
        MemorySegment reply = BUFFER.get();
        int length = OutHeader.SIZE + AttrOut.SIZE;
        reply.asSlice(0, length).fill((byte) 0);
        OutHeader.write(reply, length, 0, unique);
        AttrOut.write(reply, OutHeader.SIZE, 0, 0);
        attributes.write(reply, OutHeader.SIZE + AttrOut.ATTR);
        session.reply(reply.asSlice(0, length));
    }

    /** An answer made of {@code body} (a READLINK's text). */
    static void bytes(FuseSession session, long unique, byte[] body) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment reply = arena.allocate(OutHeader.SIZE + body.length, 8);
            OutHeader.write(reply, (int) reply.byteSize(), 0, unique);
            MemorySegment.copy(body, 0, reply, java.lang.foreign.ValueLayout.JAVA_BYTE, OutHeader.SIZE, body.length);
            session.reply(reply);
        }
    }
}
