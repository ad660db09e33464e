package qtfs.server.daemon;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import qtfs.fuse.proto.Opcode;
import qtfs.sys.Errno;
import qtfs.wire.FrameType;
import qtfs.wire.FuseFrames;

/** SETLKW waits on threads of its own: with a single worker, other requests still get served, and INTERRUPT ends the wait. */
@Timeout(120)
class QtfsdLockWaitTest {
    private static final int F_WRLCK = 1, F_UNLCK = 2, O_RDWR = 2;
    private DaemonFixture f;
    private RawClient holder;
    private RawClient waiter;
    private Opened held;
    private Opened wanted;

    /** An open file: its node id and file handle. */
    record Opened(long node, long fh) {}

    @BeforeEach
    void setUp() throws Exception {
        f = new DaemonFixture();
        Files.writeString(f.export.resolve("locked.txt"), "contended");
        f.start(f.config(1, 16));
        holder = RawClient.attached(f.socket, f.export.toString());
        waiter = RawClient.attached(f.socket, f.export.toString());
        held = open(holder, 10);
        wanted = open(waiter, 10);
        assertEquals(0, RawClient.error(holder.call(lock(Opcode.SETLK, 20, held, 1, F_WRLCK))));
    }

    @AfterEach
    void tearDown() throws IOException {
        if (holder != null) holder.close();
        if (waiter != null) waiter.close();
        f.close();
    }

    private static Opened open(RawClient c, long unique) throws IOException {
        ByteBuffer entry = c.call(RawClient.fuse(Opcode.LOOKUP.code, unique, 1, RawClient.name("locked.txt")));
        assertEquals(0, RawClient.error(entry));
        long node = entry.getLong(FuseFrames.OUT_HEADER_SIZE);
        ByteBuffer body = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(O_RDWR).putInt(0);
        ByteBuffer opened = c.call(RawClient.fuse(Opcode.OPEN.code, unique + 2, node, body.array()));
        assertEquals(0, RawClient.error(opened));
        return new Opened(node, opened.getLong(FuseFrames.OUT_HEADER_SIZE));
    }

    /** A whole-file record lock request (struct fuse_lk_in). */
    static ByteBuffer lock(Opcode op, long unique, Opened file, long owner, int type) {
        ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(file.fh()).putLong(owner).putLong(0).putLong(Long.MAX_VALUE).putInt(type).putInt(0).putInt(0).putInt(0);
        return RawClient.fuse(op.code, unique, file.node(), b.array());
    }

    private static long unique(RawClient.Reply r) {
        return r.payload().getLong(8);
    }

    @Test
    void aWaitingLockLeavesTheWorkersFreeAndInterruptEndsIt() throws Exception {
        waiter.send(lock(Opcode.SETLKW, 30, wanted, 2, F_WRLCK));
        // the only worker is free: GETATTR is answered while the lock request waits
        waiter.send(QtfsdAttachTest.getattrRoot(32));
        RawClient.Reply attr = nextReply(waiter);
        assertEquals(32, unique(attr));
        assertEquals(0, RawClient.error(attr.payload()));

        ByteBuffer interrupt = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(30);
        waiter.send(RawClient.fuse(Opcode.INTERRUPT.code, 31, 0, interrupt.array()));
        RawClient.Reply ended = nextReply(waiter);
        assertEquals(30, unique(ended));
        assertEquals(-Errno.EINTR, RawClient.error(ended.payload()));
    }

    @Test
    void aWaitingLockIsGrantedWhenTheHolderLetsGo() throws Exception {
        waiter.send(lock(Opcode.SETLKW, 40, wanted, 2, F_WRLCK));
        assertEquals(0, RawClient.error(holder.call(lock(Opcode.SETLK, 42, held, 1, F_UNLCK))));
        RawClient.Reply granted = nextReply(waiter);
        assertEquals(40, unique(granted));
        assertEquals(0, RawClient.error(granted.payload()));
    }

    @Test
    void aGrantedLockIsPrecededByWhatTheClientMustForget() throws Exception {
        assertEquals(0, RawClient.error(holder.call(lock(Opcode.SETLK, 44, held, 1, F_UNLCK))));
        waiter.notifications.clear();
        assertEquals(0, RawClient.error(waiter.call(lock(Opcode.SETLK, 46, wanted, 2, F_WRLCK))));
        assertEquals(1, waiter.notifications.size(), "one notification before the reply");
        ByteBuffer inval = waiter.notifications.get(0);
        assertEquals(0, inval.getLong(8), "a notification has unique 0");
        assertEquals(qtfs.fuse.proto.Notify.INVAL_INODE, inval.getInt(4));
        assertEquals(wanted.node(), inval.getLong(16));
        waiter.notifications.clear();
        assertEquals(0, RawClient.error(waiter.call(lock(Opcode.SETLK, 48, wanted, 2, F_UNLCK))));
        assertEquals(0, waiter.notifications.size(), "an unlock sends nothing");
    }

    @Test
    void aSessionWhoseLastConnectionLeavesStopsWaitingAndEnds() throws Exception {
        waiter.send(lock(Opcode.SETLKW, 50, wanted, 2, F_WRLCK));
        waiter.send(QtfsdAttachTest.getattrRoot(52));
        assertEquals(52, unique(nextReply(waiter)), "the lock request is being served");
        assertEquals(2, f.daemon.sessionCount());
        waiter.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (f.daemon.sessionCount() != 1) {
            assertTrue(System.nanoTime() < deadline, "the abandoned session still waits for its lock");
            Thread.sleep(20);
        }
    }

    private static RawClient.Reply nextReply(RawClient c) throws IOException {
        RawClient.Reply r = c.nextFuseReply();
        assertEquals(FrameType.FUSE_REPLY, r.type());
        return r;
    }
}
