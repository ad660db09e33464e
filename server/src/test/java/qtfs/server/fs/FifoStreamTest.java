package qtfs.server.fs;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.Notify;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.OpenOut;
import qtfs.fuse.proto.PollIn;
import qtfs.sys.Errno;
import qtfs.sys.FileIo;
import qtfs.sys.OpenFlags;
import qtfs.sys.Poll;
import qtfs.sys.Statx;

/** FIFOs served as stream files: what the client sees, opens, reads and polls, and how waits end. */
class FifoStreamTest {
    private FsDriver d;

    @AfterEach
    void tearDown() throws Exception {
        if (d != null) d.close();
    }

    private long fifo(String name) throws Exception {
        Process p = new ProcessBuilder("mkfifo", d.export.resolve(name).toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
        return d.lookup(FsDriver.ROOT, name).nodeid();
    }

    private int serverOpen(String name, int flags) throws Exception {
        return FileIo.open(d.export.resolve(name).toString(), flags | OpenFlags.O_CLOEXEC, 0);
    }

    @Test
    void fifosAreEmptyRegularFilesOpenedAsStreamsOnlyWhenTheClientAskedForThem() throws Exception {
        d = FsDriver.openWithFifoStreams(true);
        long node = fifo("f");
        assertEquals(Statx.S_IFREG, d.lookup(FsDriver.ROOT, "f").entryMode() & Statx.S_IFMT);
        assertEquals(0, d.getattr(node).attrSize());
        Reply open = d.open(node, OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK);
        assertEquals(OpenOut.FOPEN_STREAM | OpenOut.FOPEN_DIRECT_IO | OpenOut.FOPEN_NONSEEKABLE, open.openFlags());
        d.release(node, open.fh()).ok();
        d.close();

        d = FsDriver.openWithFifoStreams(false);
        fifo("f");
        assertEquals(Statx.S_IFIFO, d.lookup(FsDriver.ROOT, "f").entryMode() & Statx.S_IFMT, "fifo=local: a FIFO");
    }

    @Test
    void mknodOfAFifoAnswersAFifoThatIsNotCached() throws Exception {
        d = FsDriver.openWithFifoStreams(true);
        Reply made = d.mknod(FsDriver.ROOT, "made", Statx.S_IFIFO | 0640);
        assertEquals(Statx.S_IFIFO, made.entryMode() & Statx.S_IFMT, "the type the client kernel asked for");
        assertEquals(0, qtfs.fuse.proto.EntryOut.entryValid(made.ok().body(), 0), "entry not cached");
        assertEquals(0, qtfs.fuse.proto.EntryOut.attrValid(made.ok().body(), 0), "attributes not cached");
        assertEquals(Statx.S_IFREG, d.lookup(FsDriver.ROOT, "made").entryMode() & Statx.S_IFMT, "looked up again: the stream view");
    }

    @Test
    void aNonBlockingWriterWithoutReaderGetsEnxioAndAFifoRequestNeverRunsWithoutWaiting() throws Exception {
        d = FsDriver.openWithFifoStreams(true);
        long node = fifo("f");
        d.open(node, OpenFlags.O_WRONLY | OpenFlags.O_NONBLOCK).fails(Errno.ENXIO);
        d.withoutWaiting = true;
        assertSame(Reply.WOULD_WAIT, d.open(node, OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK), "left to a FIFO thread");
    }

    @Test
    void anInterruptEndsABlockingReadWithEintr() throws Exception {
        d = FsDriver.openWithFifoStreams(true);
        long node = fifo("f");
        int writer = serverOpen("f", OpenFlags.O_RDWR | OpenFlags.O_NONBLOCK);   // a writer, so that reads wait
        try {
            long fh = d.open(node, OpenFlags.O_RDONLY).fh();
            long unique = d.nextUnique();
            Future<Reply> read = d.callAsync(Opcode.READ, node,
                    new RequestBody().u64(fh).u64(0).u32(10).u32(0).u64(0).u32(0).u32(0), unique);
            Thread.sleep(200);
            assertFalse(read.isDone(), "a blocking read of an empty FIFO waits");
            d.fs.interrupt(unique);
            read.get(5, TimeUnit.SECONDS).fails(Errno.EINTR);
            d.release(node, fh).ok();
        } finally {
            FileIo.close(writer);
        }
    }

    @Test
    void aPollThatFindsNothingReadyIsWokenWhenTheServerSideWrites() throws Exception {
        List<byte[]> wakeups = new CopyOnWriteArrayList<>();
        d = FsDriver.openWithFifoStreams(true, m -> wakeups.add(m.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
        long node = fifo("f");
        long fh = d.open(node, OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK).fh();
        int writer = serverOpen("f", OpenFlags.O_WRONLY | OpenFlags.O_NONBLOCK);
        try {
            Reply poll = d.call(Opcode.POLL, node, new RequestBody().u64(fh).u64(77).u32(PollIn.FUSE_POLL_SCHEDULE_NOTIFY)
                    .u32(Poll.POLLIN));
            assertEquals(0, PollIn.revents(poll.ok().body(), 0), "nothing to read yet");
            Thread.sleep(100);
            assertTrue(wakeups.isEmpty(), "no wake-up before anything happened");
            try (Arena a = Arena.ofConfined()) {
                FileIo.write(writer, a.allocateFrom("x"), 1);
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (wakeups.isEmpty() && System.nanoTime() < end) Thread.sleep(10);
            assertEquals(1, wakeups.size(), "one NOTIFY_POLL");
            MemorySegment w = MemorySegment.ofArray(wakeups.get(0));
            assertEquals(Notify.POLL, Notify.code(w));
            assertEquals(77, w.get(qtfs.fuse.proto.Le.U64, qtfs.fuse.proto.OutHeader.SIZE), "the kernel's poll handle");
            Reply again = d.call(Opcode.POLL, node, new RequestBody().u64(fh).u64(77).u32(PollIn.FUSE_POLL_SCHEDULE_NOTIFY)
                    .u32(Poll.POLLIN));
            assertEquals(Poll.POLLIN, PollIn.revents(again.ok().body(), 0) & Poll.POLLIN, "readable now");
        } finally {
            FileIo.close(writer);
        }
        d.release(node, fh).ok();
    }

    @Test
    void onlyFifoOpensReadsAndWritesWaitForAPeer() throws Exception {
        d = FsDriver.openWithFifoStreams(true);
        long node = fifo("f");
        java.nio.file.Files.writeString(d.export.resolve("plain"), "x");
        long plain = d.lookup(FsDriver.ROOT, "plain").nodeid();
        long plainFh = d.open(plain, OpenFlags.O_RDONLY).fh();
        long fifoFh = d.open(node, OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK).fh();
        try (Arena a = Arena.ofConfined()) {
            assertTrue(d.fs.waitsForPeer(request(a, Opcode.OPEN, node, 0)));
            assertTrue(d.fs.waitsForPeer(request(a, Opcode.READ, node, fifoFh)));
            assertFalse(d.fs.waitsForPeer(request(a, Opcode.OPEN, plain, 0)));
            assertFalse(d.fs.waitsForPeer(request(a, Opcode.READ, plain, plainFh)));
            assertFalse(d.fs.waitsForPeer(request(a, Opcode.GETATTR, node, 0)));
        }
    }

    private static MemorySegment request(Arena a, Opcode op, long node, long fh) {
        MemorySegment m = a.allocate(InHeader.SIZE + 40, 8);
        InHeader.write(m, (int) m.byteSize(), op.code, 2, node, 0, 0, 1);
        m.set(qtfs.fuse.proto.Le.U64, InHeader.SIZE, fh);
        return m;
    }
}
