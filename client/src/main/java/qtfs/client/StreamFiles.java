package qtfs.client;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.Le;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.OpenOut;
import qtfs.fuse.proto.OutHeader;
import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.Signals;

/**
 * What the client knows of the server's stream files (remote FIFOs): which handles are
 * streams (their OPEN reply said FOPEN_STREAM), so that requests that may wait for a process
 * at the other end are not cut short by a soft mount's time-out; and the SIGPIPE that the
 * kernel raises for a write to a pipe without readers, which FUSE does not raise itself.
 */
final class StreamFiles {
    private static final System.Logger LOG = System.getLogger(StreamFiles.class.getName());
    /** fuse_in_header: the handle leads read_in, write_in and release_in. */
    private static final int FH = InHeader.SIZE;

    private final Set<Long> streams = ConcurrentHashMap.newKeySet();

    /**
     * Whether {@code request} may wait for another process as long as it likes: an OPEN (of a
     * FIFO, waiting for its other end: the client cannot tell before the reply) or a READ or
     * WRITE of a stream handle.
     */
    boolean mayWaitForPeer(MemorySegment request) {
        int opcode = InHeader.opcode(request);
        if (opcode == Opcode.OPEN.code) return true;
        return (opcode == Opcode.READ.code || opcode == Opcode.WRITE.code) && request.byteSize() >= FH + 8
                && streams.contains(request.get(Le.U64, FH));
    }

    /** Notes what the reply to {@code request} tells; raises SIGPIPE for a write that broke a pipe. Before the reply goes to the kernel. */
    void answered(byte[] request, ByteBuffer reply) {
        ByteBuffer in = ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = reply.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int opcode = in.getInt(4);
        int error = out.getInt(out.position() + 4);
        if (opcode == Opcode.OPEN.code && error == 0 && out.remaining() >= OutHeader.SIZE + OpenOut.SIZE
                && (out.getInt(out.position() + OutHeader.SIZE + 8) & OpenOut.FOPEN_STREAM) != 0) {
            streams.add(out.getLong(out.position() + OutHeader.SIZE));
        } else if (opcode == Opcode.RELEASE.code && request.length >= FH + 8) {
            streams.remove(in.getLong(FH));
        } else if (opcode == Opcode.WRITE.code && error == -Errno.EPIPE && request.length >= FH + 8
                && streams.contains(in.getLong(FH))) {
            raiseSigpipe(in.getInt(32));
        }
    }

    /**
     * As the kernel does for a write to a pipe nobody reads: SIGPIPE to the writing thread
     * (the request header's pid is the caller's thread id), sent before the EPIPE reply so
     * that the signal is pending when the write returns. The thread cannot be gone: it waits
     * for this reply.
     */
    private static void raiseSigpipe(int tid) {
        if (tid <= 0) return;   // a caller outside the mount's pid namespace
        try {
            Signals.toThread(Signals.processOf(tid), tid, Signals.SIGPIPE);
        } catch (ErrnoException e) {
            LOG.log(System.Logger.Level.DEBUG, "SIGPIPE to thread {0} not sent: {1}", tid, e.getMessage());
        }
    }
}
