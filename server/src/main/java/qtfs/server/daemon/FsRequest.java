package qtfs.server.daemon;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.OutHeader;
import qtfs.server.fs.XattrHints;
import qtfs.sys.Errno;
import qtfs.transport.Connection;
import qtfs.wire.FrameType;

/** One FUSE request on its way through a worker: served by the session's file system, answered on its connection. */
final class FsRequest implements Runnable {
    private static final System.Logger LOG = System.getLogger(FsRequest.class.getName());

    private final MountSession session;
    private final Connection connection;
    private final long requestId;
    private final long unique;
    private final boolean lockWait;
    private final int[] groups;
    private final RequestBuffers.Lease buffer;
    private final RequestBuffers buffers;
    /** Gives the request's room in its connection's budget back. */
    private final Runnable done;
    private final boolean xattrHints;
    /** Whether it was counted against the session's open-files limit while served. */
    private final boolean opensHandle;

    FsRequest(MountSession session, Connection connection, long requestId, long unique, boolean lockWait, int[] groups,
            RequestBuffers.Lease buffer, RequestBuffers buffers, Runnable done, boolean xattrHints, boolean opensHandle) {
        this.session = session;
        this.connection = connection;
        this.requestId = requestId;
        this.unique = unique;
        this.lockWait = lockWait;
        this.groups = groups;
        this.buffer = buffer;
        this.buffers = buffers;
        this.done = done;
        this.xattrHints = xattrHints;
        this.opensHandle = opensHandle;
    }

    @Override
    public void run() {
        boolean once = ReplyCache.covers(InHeader.opcode(buffer.request()));
        try {
            if (once) {
                byte[] earlier;
                try {
                    earlier = session.replies.claim(unique);
                } catch (InterruptedException e) {
                    return; // shutting down: the client is gone
                }
                if (earlier != null) {
                    LOG.log(System.Logger.Level.DEBUG, "request {0} of {1} resent: answered as the first time",
                            Long.toUnsignedString(unique), session);
                    send(MemorySegment.ofArray(earlier), null);
                    return;
                }
            }
            MemorySegment reply = ReplyThread.buffer();
            XattrHints hints = xattrHints ? ReplyThread.xattrHints() : null;
            int length = 0;
            try {
                length = session.fs.handle(buffer.request(), groups, reply, this::notifyClient, hints);
                if (length < 0 || length > reply.byteSize()) throw new IllegalStateException("reply length " + length + " out of range");
            } catch (RuntimeException e) {
                // a bug in the file system must not leave the client's caller waiting forever
                LOG.log(System.Logger.Level.ERROR, "request " + Long.toUnsignedString(unique) + " of " + session + " failed", e);
                OutHeader.write(reply, OutHeader.SIZE, -Errno.EIO, unique);
                length = OutHeader.SIZE;
            } finally {
                if (once) session.replies.complete(unique, length > 0 ? reply.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE) : null);
            }
            if (length > 0) send(reply.asSlice(0, length), hints);
        } finally {
            buffers.give(buffer);
            finished();
        }
    }

    private void finished() {
        if (opensHandle) session.handleQuota.settled();
        done.run();
        session.end(unique, lockWait);
    }

    /** Sent before the reply, on its connection, so that the client applies it first. */
    private void notifyClient(MemorySegment notification) {
        try {
            connection.send(FrameType.FUSE_NOTIFY, session.mountId, 0, notification.asByteBuffer());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "notification to {0} dropped: {1}", connection.peer(), e.getMessage());
        }
    }

    private void send(MemorySegment reply, XattrHints hints) {
        try {
            if (hints != null) ClientConnection.sendHints(connection, session.mountId, requestId, hints);
            connection.send(FrameType.FUSE_REPLY, session.mountId, requestId, reply.asByteBuffer());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "reply to {0} dropped: {1}", connection.peer(), e.getMessage());
        }
    }

    /** Answers on the reader's thread, without a worker (e.g. too many lock waits); frees what the request held. */
    void rejectWith(int errno) {
        try {
            buffers.give(buffer);
            MemorySegment reply = MemorySegment.ofArray(new byte[OutHeader.SIZE]);
            OutHeader.write(reply, OutHeader.SIZE, -errno, unique);
            send(reply, null);
        } finally {
            finished();
        }
    }
}
