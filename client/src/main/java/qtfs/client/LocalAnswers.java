package qtfs.client;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

import qtfs.fuse.FuseSession;
import qtfs.fuse.proto.ForgetIn;
import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.XattrIn;
import qtfs.sys.Errno;

/**
 * The requests the client answers without the server: FLUSHes with nothing to do there
 * ({@link FlushTracker}) and getxattr/listxattr of nodes known to have no extended
 * attributes ({@link XattrAbsence}), and in proc mode the names that lead to the client's own
 * proc ({@link ProcModeAnswers}). Sees every request before it is forwarded, to keep them up to date.
 */
final class LocalAnswers {
    private final FlushTracker flushes = new FlushTracker();
    private final XattrAbsence xattrs;
    private final ProcModeAnswers procMode;

    /** With {@code procMode} null when the mount is not in proc mode. */
    LocalAnswers(Duration attrTimeout, ProcModeAnswers procMode) {
        this.xattrs = new XattrAbsence(attrTimeout);
        this.procMode = procMode;
    }

    /** Where NO_XATTRS hints go. */
    XattrAbsence xattrs() {
        return xattrs;
    }

    /**
     * Notes what {@code request} (a whole FUSE request, length checked) changes and answers it
     * if the server is not needed; returns whether it did.
     */
    boolean answered(FuseSession session, MemorySegment request) {
        Opcode op = Opcode.of(InHeader.opcode(request));
        if (op == null) return false;
        long node = InHeader.nodeid(request);
        MemorySegment body = request.asSlice(InHeader.SIZE);
        if (procMode != null && procMode.answered(session, request, op, node, body)) return true;
        switch (op) {
            case FLUSH -> {
                if (flushes.needsServer(request)) return false;
                LocalReply.ok(session, InHeader.unique(request));
                return true;
            }
            case GETXATTR -> {
                if (body.byteSize() < XattrIn.GETXATTR_SIZE || !noXattrs(node)) return false;
                session.replyError(InHeader.unique(request), Errno.ENODATA);
                return true;
            }
            case LISTXATTR -> {
                if (body.byteSize() < XattrIn.GETXATTR_SIZE || !noXattrs(node)) return false;
                if (XattrIn.getSize(body) == 0) LocalReply.xattrSize(session, InHeader.unique(request), 0);
                else LocalReply.ok(session, InHeader.unique(request));
                return true;
            }
            case SETXATTR, REMOVEXATTR -> xattrs.changing(node);
            case FORGET -> {
                forget(node, body.byteSize() >= ForgetIn.SIZE ? ForgetIn.nlookup(body) : 0);
                return LocalSymlinks.isLocal(node);   // the client's own node: nothing for the server
            }
            case BATCH_FORGET -> {
                // the server ignores the client's own node ids among the others
                if (body.byteSize() >= ForgetIn.BATCH_SIZE) {
                    long count = Math.min(Integer.toUnsignedLong(ForgetIn.batchCount(body)),
                            (body.byteSize() - ForgetIn.BATCH_SIZE) / ForgetIn.ONE_SIZE);
                    for (int i = 0; i < count; i++) forget(ForgetIn.batchNodeid(body, i), ForgetIn.batchNlookup(body, i));
                }
            }
            default -> flushes.observe(request);
        }
        return false;
    }

    /** Whether {@code node} is known to have no extended attributes: the server said so, or it is a symlink of the client's own. */
    private boolean noXattrs(long node) {
        return LocalSymlinks.isLocal(node) || xattrs.absent(node);
    }

    /** The kernel dropped {@code count} lookups of {@code node}, perhaps its last. */
    private void forget(long node, long count) {
        flushes.forget(node);
        xattrs.forget(node);
        if (procMode != null) procMode.forget(node, count);
    }
}
