package qtfs.client;

import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import qtfs.fuse.proto.CopyFileRangeIn;
import qtfs.fuse.proto.FallocateIn;
import qtfs.fuse.proto.FlushIn;
import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.ReleaseIn;
import qtfs.fuse.proto.WriteIn;

/**
 * Which FLUSH requests have nothing to do on the server, so that the client answers them
 * itself. The kernel sends a FLUSH at every close(2), and a process waits for it: it is one
 * round trip of the four in a create-and-close. On the server a FLUSH releases the closing
 * process's POSIX locks on the file, and lets a network file system below write back what was
 * written through the handle. A node on which no lock was ever asked for through this mount,
 * closed through a handle that wrote nothing, has neither.
 *
 * <p>Every request passes {@link #observe} before it is forwarded, so a FLUSH that follows a
 * lock request or a write always sees it.
 */
final class FlushTracker {
    private final Set<Long> lockedNodes = ConcurrentHashMap.newKeySet();
    private final Set<Long> writtenHandles = ConcurrentHashMap.newKeySet();

    /** Notes what {@code request} (a whole FUSE request whose length has been checked) means for later FLUSHes. */
    void observe(MemorySegment request) {
        Opcode op = Opcode.of(InHeader.opcode(request));
        if (op == null) return;
        MemorySegment body = request.asSlice(InHeader.SIZE);
        switch (op) {
            case SETLK, SETLKW -> lockedNodes.add(InHeader.nodeid(request));
            case WRITE -> {
                if (body.byteSize() >= WriteIn.SIZE) written(WriteIn.fh(body));
            }
            case FALLOCATE -> {
                if (body.byteSize() >= FallocateIn.SIZE) written(FallocateIn.fh(body));
            }
            case COPY_FILE_RANGE -> {
                if (body.byteSize() >= CopyFileRangeIn.SIZE) written(CopyFileRangeIn.fhOut(body));
            }
            case RELEASE -> {
                if (body.byteSize() >= ReleaseIn.SIZE && !writtenHandles.isEmpty()) writtenHandles.remove(ReleaseIn.fh(body));
            }
            default -> { }
        }
    }

    /** The kernel forgot {@code node}: no file of it is open any more, so it holds no lock either. */
    void forget(long node) {
        if (!lockedNodes.isEmpty()) lockedNodes.remove(node);
    }

    private void written(long fh) {
        if (!writtenHandles.contains(fh)) writtenHandles.add(fh);
    }

    /** Whether the FLUSH {@code request} must go to the server (a malformed one does, to be answered there). */
    boolean needsServer(MemorySegment request) {
        MemorySegment body = request.asSlice(InHeader.SIZE);
        if (body.byteSize() < FlushIn.SIZE) return true;
        return lockedNodes.contains(InHeader.nodeid(request)) || writtenHandles.contains(FlushIn.fh(body));
    }
}
