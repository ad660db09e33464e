package qtfs.client;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.OpenOut;
import qtfs.fuse.proto.OutHeader;
import qtfs.sys.Errno;

/** Which requests may wait for a FIFO's other end, and the SIGPIPE of a broken pipe. */
class StreamFilesTest {
    private static final long FH = 42;

    private static byte[] request(Opcode op, long fh, int pid) {
        MemorySegment m = MemorySegment.ofArray(new byte[InHeader.SIZE + 40]);
        InHeader.write(m, (int) m.byteSize(), op.code, 7, 3, 0, 0, pid);
        m.set(qtfs.fuse.proto.Le.U64, InHeader.SIZE, fh);
        return m.toArray(ValueLayout.JAVA_BYTE);
    }

    private static ByteBuffer reply(int error, int openFlags) {
        ByteBuffer b = ByteBuffer.allocate(error == 0 ? OutHeader.SIZE + OpenOut.SIZE : OutHeader.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, b.capacity()).putInt(4, -error).putLong(8, 7);
        if (error == 0) b.putLong(OutHeader.SIZE, FH).putInt(OutHeader.SIZE + 8, openFlags);
        return b;
    }

    @Test
    void readsAndWritesOfStreamHandlesAndOpensMayWaitForAPeer() {
        StreamFiles streams = new StreamFiles();
        MemorySegment read = MemorySegment.ofArray(request(Opcode.READ, FH, 1));
        assertTrue(streams.mayWaitForPeer(MemorySegment.ofArray(request(Opcode.OPEN, 0, 1))), "an open may be of a FIFO");
        assertFalse(streams.mayWaitForPeer(read), "not known as a stream yet");
        streams.answered(request(Opcode.OPEN, 0, 1), reply(0, OpenOut.FOPEN_DIRECT_IO));
        assertFalse(streams.mayWaitForPeer(read), "a direct-I/O file is no stream");
        streams.answered(request(Opcode.OPEN, 0, 1), reply(0, OpenOut.FOPEN_STREAM | OpenOut.FOPEN_DIRECT_IO));
        assertTrue(streams.mayWaitForPeer(read));
        assertTrue(streams.mayWaitForPeer(MemorySegment.ofArray(request(Opcode.WRITE, FH, 1))));
        assertFalse(streams.mayWaitForPeer(MemorySegment.ofArray(request(Opcode.GETATTR, FH, 1))));
        streams.answered(request(Opcode.RELEASE, FH, 0), reply(0, 0));
        assertFalse(streams.mayWaitForPeer(read), "released");
    }

    @Test
    void aWriteToAStreamAnsweredEpipeRaisesSigpipeInTheWriter() throws Exception {
        StreamFiles streams = new StreamFiles();
        Process writer = new ProcessBuilder("sleep", "30").start();
        try {
            int pid = (int) writer.pid();
            streams.answered(request(Opcode.WRITE, FH, pid), reply(Errno.EPIPE, 0));
            assertFalse(writer.waitFor(300, TimeUnit.MILLISECONDS), "not a stream handle: no signal");
            streams.answered(request(Opcode.OPEN, 0, pid), reply(0, OpenOut.FOPEN_STREAM));
            streams.answered(request(Opcode.WRITE, FH, pid), reply(Errno.EIO, 0));
            assertFalse(writer.waitFor(300, TimeUnit.MILLISECONDS), "another error: no signal");
            streams.answered(request(Opcode.WRITE, FH, pid), reply(Errno.EPIPE, 0));
            assertTrue(writer.waitFor(10, TimeUnit.SECONDS), "SIGPIPE ends the writer");
            assertEquals(128 + 13, writer.exitValue(), "killed by SIGPIPE");
        } finally {
            writer.destroyForcibly();
        }
    }
}
