package qtfs.client;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

import qtfs.fuse.proto.FlushIn;
import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.LkIn;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.ReleaseIn;
import qtfs.fuse.proto.WriteIn;

/** A FLUSH goes to the server only when it has locks to release or written data to push. */
class FlushTrackerTest {
    private static final long NODE = 5, FH = 9, OWNER = 77;
    private final Arena arena = Arena.ofAuto();
    private final FlushTracker tracker = new FlushTracker();
    private long unique = 2;

    private MemorySegment request(Opcode op, long nodeid, int bodySize) {
        MemorySegment r = arena.allocate(InHeader.SIZE + bodySize, 8);
        InHeader.write(r, (int) r.byteSize(), op.code, unique += 2, nodeid, 0, 0, 1);
        return r;
    }

    private MemorySegment flush(long nodeid, long fh) {
        MemorySegment r = request(Opcode.FLUSH, nodeid, FlushIn.SIZE);
        FlushIn.write(r.asSlice(InHeader.SIZE), fh, OWNER);
        return r;
    }

    private void observe(MemorySegment request) {
        tracker.observe(request);
    }

    @Test
    void aCloseWithoutLocksOrWritesStaysLocal() {
        assertFalse(tracker.needsServer(flush(NODE, FH)));
    }

    @Test
    void aHandleThatWroteIsFlushedUntilReleased() {
        MemorySegment write = request(Opcode.WRITE, NODE, WriteIn.SIZE + 4);
        WriteIn.write(write.asSlice(InHeader.SIZE), FH, 0, 4, 0, 0);
        observe(write);
        assertTrue(tracker.needsServer(flush(NODE, FH)));
        assertFalse(tracker.needsServer(flush(NODE, FH + 1)), "another handle of the node wrote nothing");
        MemorySegment release = request(Opcode.RELEASE, NODE, ReleaseIn.SIZE);
        ReleaseIn.write(release.asSlice(InHeader.SIZE), FH, 0, 0, 0);
        observe(release);
        assertFalse(tracker.needsServer(flush(NODE, FH)));
    }

    @Test
    void aNodeEverLockedIsAlwaysFlushedUntilForgotten() {
        MemorySegment lock = request(Opcode.SETLK, NODE, LkIn.SIZE);
        LkIn.write(lock.asSlice(InHeader.SIZE), FH, OWNER, 0, LkIn.OFFSET_MAX, 1, 1, 0);
        observe(lock);
        assertTrue(tracker.needsServer(flush(NODE, FH)));
        assertTrue(tracker.needsServer(flush(NODE, FH + 1)), "the process's locks go at any close of the file");
        assertFalse(tracker.needsServer(flush(NODE + 1, FH)));
        tracker.forget(NODE);
        assertFalse(tracker.needsServer(flush(NODE, FH)));
    }

    @Test
    void aMalformedFlushGoesToTheServerToBeRefused() {
        assertTrue(tracker.needsServer(request(Opcode.FLUSH, NODE, 8)));
    }
}
