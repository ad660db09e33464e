package qtfs.client;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import qtfs.fuse.FuseSession;
import qtfs.fuse.proto.OutHeader;
import qtfs.fuse.proto.XattrIn;

/** Replies the client writes to the kernel itself, from a per-thread native buffer (no allocation, no copy). */
final class LocalReply {
    private LocalReply() {}

    /** Room for an out header and the few bytes of body a local reply carries. */
    private static final int SIZE = 64;
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
}
