package qtfs.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.InitFlags;
import qtfs.fuse.proto.InitIn;
import qtfs.fuse.proto.InitOut;
import qtfs.fuse.proto.InitParams;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.OutHeader;
import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.FdPassing;
import qtfs.sys.FileIo;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What the session does with requests a real kernel never sends (wrong lengths, unknown
 * opcodes, an old protocol version). The test plays the kernel's side of /dev/fuse over a
 * SOCK_SEQPACKET socket pair, which keeps message boundaries as the device does.
 */
class FuseDeviceProtocolTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Path NOWHERE = Path.of("/nonexistent/qtfs-protocol-test");

    private int kernel = -1;
    private FuseSession session;
    private final HelloFileSystem fs = new HelloFileSystem();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment received = arena.allocate(64 * 1024, 8);
    private long nextUnique = 1;

    private void attach(FuseHandler handler, int threads) throws ErrnoException {
        int[] pair = FdPassing.socketPair(FdPassing.SOCK_SEQPACKET);
        kernel = pair[0];
        session = FuseSession.attach(pair[1], MountFixture.options(NOWHERE, threads, FuseSession.DEFAULT_INIT_FLAGS), handler);
        session.start();
    }

    @BeforeEach
    void setUp() throws ErrnoException {
        attach(fs, 2);
    }

    @AfterEach
    void tearDown() {
        detach();
        arena.close();
    }

    private void detach() {
        FileIo.closeQuietly(kernel); // the readers see end-of-file and end
        kernel = -1;
        session.close();
    }

    private MemorySegment request(Opcode opcode, long nodeid, int bodySize) {
        return request(opcode.code, nodeid, bodySize);
    }

    private MemorySegment request(int opcode, long nodeid, int bodySize) {
        MemorySegment m = arena.allocate(InHeader.SIZE + bodySize, 8);
        InHeader.write(m, InHeader.SIZE + bodySize, opcode, nextUnique++, nodeid, 0, 0, 1);
        return m;
    }

    private void send(MemorySegment message) throws ErrnoException {
        assertEquals(message.byteSize(), FileIo.write(kernel, message, message.byteSize()));
    }

    /** The next message the session wrote, as a slice of the receive buffer. */
    private MemorySegment receive() {
        long n = assertTimeoutPreemptively(PATIENCE, () -> FileIo.read(kernel, received, received.byteSize()));
        assertTrue(n >= OutHeader.SIZE, "a reply of " + n + " bytes");
        assertEquals(n, OutHeader.len(received));
        return received.asSlice(0, n);
    }

    private void assertError(long unique, int errno) {
        MemorySegment reply = receive();
        assertEquals(OutHeader.SIZE, reply.byteSize());
        assertEquals(unique, OutHeader.unique(reply));
        assertEquals(-errno, OutHeader.error(reply), "expected " + Errno.name(errno));
    }

    private InitParams init(int minor) throws Exception {
        MemorySegment init = request(Opcode.INIT, 0, InitIn.SIZE);
        InitIn.write(init.asSlice(InHeader.SIZE), 7, minor, 128 * 1024, -1L);
        send(init);
        MemorySegment reply = receive();
        assertEquals(InHeader.unique(init), OutHeader.unique(reply));
        assertEquals(0, OutHeader.error(reply));
        assertEquals(OutHeader.SIZE + InitOut.SIZE, reply.byteSize());
        InitParams params = session.awaitInit(PATIENCE);
        MemorySegment body = reply.asSlice(OutHeader.SIZE);
        assertEquals(params.minor(), InitOut.minor(body));
        assertEquals(params.flags(), InitOut.flags(body));
        assertEquals(params.maxWrite(), InitOut.maxWrite(body));
        return params;
    }

    @Test
    void answersInitAndHandsRequestsToTheHandler() throws Exception {
        InitParams params = init(40);
        assertEquals(38, params.minor());
        assertEquals(FuseSession.DEFAULT_INIT_FLAGS | InitNegotiation.SESSION_FLAGS, params.flags());
        assertSame(params, fs.init);

        MemorySegment getattr = request(Opcode.GETATTR, HelloFileSystem.ROOT, 16);
        send(getattr);
        MemorySegment reply = receive();
        assertEquals(InHeader.unique(getattr), OutHeader.unique(reply));
        assertEquals(0, OutHeader.error(reply));
        assertEquals(OutHeader.SIZE + 104, reply.byteSize());
    }

    @Test
    void refusesAKernelOlderThan731() throws Exception {
        MemorySegment init = request(Opcode.INIT, 0, InitIn.COMPAT_SIZE);
        MemorySegment body = init.asSlice(InHeader.SIZE);
        body.set(qtfs.fuse.proto.Le.U32, InitIn.MAJOR, 7);
        body.set(qtfs.fuse.proto.Le.U32, InitIn.MINOR, 30);
        send(init);
        assertError(InHeader.unique(init), Errno.EPROTO);
        FuseMountException e = assertThrows(FuseMountException.class, () -> session.awaitInit(PATIENCE));
        assertEquals("cannot mount on " + NOWHERE + ": the kernel speaks FUSE protocol 7.30, qtfs needs 7.31 or later"
                + " (Linux 5.4 or later)", e.getMessage());
        assertEquals(0, fs.initCalls.get());
    }

    @Test
    void answersEioWhenTheHeaderLengthDisagreesWithWhatWasRead() throws Exception {
        init(38);
        MemorySegment lying = request(Opcode.GETATTR, HelloFileSystem.ROOT, 16);
        lying.set(qtfs.fuse.proto.Le.U32, InHeader.LEN, InHeader.SIZE + 100);
        send(lying);
        assertError(InHeader.unique(lying), Errno.EIO);
        assertEquals(0, fs.fileGetattrs.get());
    }

    @Test
    void answersEnosysToUnknownOpcodes() throws Exception {
        init(38);
        MemorySegment unknown = request(99, HelloFileSystem.ROOT, 0);
        send(unknown);
        assertError(InHeader.unique(unknown), Errno.ENOSYS);
        MemorySegment cuseInit = request(4096, 0, 0);
        send(cuseInit);
        assertError(InHeader.unique(cuseInit), Errno.ENOSYS);
    }

    @Test
    void refusesRequestsBeforeInit() throws Exception {
        MemorySegment early = request(Opcode.GETATTR, HelloFileSystem.ROOT, 16);
        send(early);
        assertError(InHeader.unique(early), Errno.EIO);
        assertEquals(0, fs.initCalls.get());
    }

    @Test
    void answersEioWhenTheHandlerThrows() throws Exception {
        detach();
        attach(new FuseHandler() {
            @Override
            public void onRequest(FuseSession s, MemorySegment request) {
                throw new IllegalStateException("broken on purpose");
            }
        }, 1);
        init(38);
        MemorySegment mkdir = request(Opcode.MKDIR, HelloFileSystem.ROOT, 16);
        send(mkdir);
        assertError(InHeader.unique(mkdir), Errno.EIO);
    }

    @Test
    void answersDestroyAndEndsOnceTheDeviceCloses() throws Exception {
        init(38);
        MemorySegment destroy = request(Opcode.DESTROY, 0, 0);
        send(destroy);
        MemorySegment reply = receive();
        assertEquals(InHeader.unique(destroy), OutHeader.unique(reply));
        assertEquals(0, OutHeader.error(reply));
        assertEquals(OutHeader.SIZE, reply.byteSize());
        FileIo.closeQuietly(kernel);
        kernel = -1;
        assertTimeoutPreemptively(PATIENCE, session::awaitExit);
        assertEquals(1, fs.destroyCalls.get());
    }

    @Test
    void replyChecksTheLengthAndAcceptsHeapSegments() throws Exception {
        init(38);
        MemorySegment wrong = arena.allocate(OutHeader.SIZE + 8, 8);
        OutHeader.write(wrong, OutHeader.SIZE, 0, 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> session.reply(wrong));
        assertTrue(e.getMessage().contains("24-byte message with len 16"), e.getMessage());

        MemorySegment onHeap = MemorySegment.ofArray(new byte[OutHeader.SIZE + 4]);
        OutHeader.write(onHeap, OutHeader.SIZE + 4, 0, 77);
        onHeap.set(ValueLayout.JAVA_INT_UNALIGNED, OutHeader.SIZE, 0x12345678);
        session.reply(onHeap);
        MemorySegment got = receive();
        assertEquals(77, OutHeader.unique(got));
        assertEquals(0x12345678, got.get(ValueLayout.JAVA_INT_UNALIGNED, OutHeader.SIZE));

        session.replyError(78, Errno.ENOENT);
        assertError(78, Errno.ENOENT);
    }

    @Test
    void closeEndsTheReadersAndCallsOnDestroyOnce() throws Exception {
        init(38);
        FileIo.closeQuietly(kernel);
        kernel = -1;
        session.close();
        assertTimeoutPreemptively(PATIENCE, session::awaitExit);
        assertEquals(1, fs.destroyCalls.get());
        session.replyError(5, Errno.ENOENT); // after the end: dropped, not written into a reused descriptor
    }
}
