package qtfs.server.fs;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.OutHeader;
import qtfs.sys.Errno;
import qtfs.sys.OpenFlags;

import static org.junit.jupiter.api.Assertions.*;

/** Whatever the peer sends, handle() answers (or stays silent for FORGET) and never throws. */
class RobustnessTest {
    private FsDriver d;

    @BeforeEach
    void setUp() throws Exception {
        d = FsDriver.open();
        Files.writeString(d.export.resolve("f"), "data");
    }

    @AfterEach
    void tearDown() throws Exception {
        d.close();
    }

    @Test
    void shortBodiesAreEinval() {
        long n = d.lookup(FsDriver.ROOT, "f").nodeid();
        for (Opcode op : new Opcode[] {Opcode.READ, Opcode.WRITE, Opcode.SETATTR, Opcode.OPEN, Opcode.CREATE,
                Opcode.MKDIR, Opcode.MKNOD, Opcode.RENAME, Opcode.RENAME2, Opcode.LINK, Opcode.SETLK, Opcode.GETLK,
                Opcode.FALLOCATE, Opcode.LSEEK, Opcode.COPY_FILE_RANGE, Opcode.RELEASE, Opcode.FLUSH, Opcode.FSYNC,
                Opcode.GETXATTR, Opcode.SETXATTR, Opcode.LISTXATTR, Opcode.ACCESS, Opcode.READDIR, Opcode.OPENDIR}) {
            d.call(op, n, new RequestBody().zeros(3)).fails(Errno.EINVAL);
        }
    }

    @Test
    void writeLongerThanItsDataIsEinval() throws Exception {
        long[] f = d.createFile("w", new byte[0]);
        var body = new RequestBody().u64(f[1]).u64(0).u32(1000).u32(0).u64(0).u32(0).u32(0).raw(new byte[10]);
        d.call(Opcode.WRITE, f[0], body).fails(Errno.EINVAL);
        assertEquals(0, Files.size(d.export.resolve("w")));
    }

    @Test
    void namesMustBeTerminated() {
        d.call(Opcode.LOOKUP, FsDriver.ROOT, new RequestBody().raw("f".getBytes())).fails(Errno.EINVAL);
        d.call(Opcode.RENAME, FsDriver.ROOT, new RequestBody().u64(1).name("f").raw("g".getBytes())).fails(Errno.EINVAL);
        d.call(Opcode.SYMLINK, FsDriver.ROOT, new RequestBody().name("s")).fails(Errno.EINVAL);
    }

    @Test
    void lengthFieldLargerThanTheMessageIsEinval() {
        byte[] body = new RequestBody().name("f").toBytes();
        Reply r = d.callRaw(Opcode.LOOKUP.code, FsDriver.ROOT, body, InHeader.SIZE + body.length + 100);
        r.fails(Errno.EINVAL);
        Reply shorter = d.callRaw(Opcode.LOOKUP.code, FsDriver.ROOT, body, InHeader.SIZE - 1);
        shorter.fails(Errno.EINVAL);
    }

    @Test
    void unknownThingsAreNamedByTheirErrno() {
        d.callRaw(9999, FsDriver.ROOT, new byte[0], InHeader.SIZE).fails(Errno.ENOSYS);
        d.call(Opcode.BMAP, FsDriver.ROOT).fails(Errno.ENOSYS);
        d.call(Opcode.POLL, FsDriver.ROOT, new RequestBody().zeros(24)).fails(Errno.EBADF);   // served, for FIFOs: an unknown handle
        d.call(Opcode.IOCTL, FsDriver.ROOT, new RequestBody().zeros(32)).fails(Errno.ENOTTY);
        d.getattr(123456).fails(Errno.ESTALE);
        d.lookup(0, "f").fails(Errno.ESTALE);
        d.read(FsDriver.ROOT, 4242, 0, 10).fails(Errno.EBADF);
        d.release(FsDriver.ROOT, 4242).fails(Errno.EBADF);
        assertEquals(0, d.forget(777, 1).body().byteSize(), "FORGET of an unknown node is silently ignored");
    }

    @Test
    void forgetNeverReplies() {
        long n = d.lookup(FsDriver.ROOT, "f").nodeid();
        byte[] tooShort = new byte[3];
        Reply r = d.call(d.fsWorker(), Opcode.FORGET.code, n, tooShort, -1);
        assertEquals(0, r.body().byteSize());
        d.getattr(n).ok();
    }

    @Test
    void randomBodiesForEveryOpcodeNeverEscape() throws Exception {
        long n = d.lookup(FsDriver.ROOT, "f").nodeid();
        long fh = d.open(n, OpenFlags.O_RDWR).fh();
        java.util.List<String> failures = new java.util.ArrayList<>();
        var capture = new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel() == java.util.logging.Level.SEVERE) failures.add(r.getMessage());
            }
            @Override public void flush() {}
            @Override public void close() {}
        };
        var logger = java.util.logging.Logger.getLogger(FileSystemSession.class.getName());
        logger.addHandler(capture);
        logger.setLevel(java.util.logging.Level.SEVERE);
        Random random = new Random(42);
        for (Opcode op : Opcode.values()) {
            if (op == Opcode.SETLKW) continue;   // may legitimately wait
            for (int i = 0; i < 40; i++) {
                byte[] body = new byte[random.nextInt(200)];
                random.nextBytes(body);
                if (body.length >= 8 && random.nextBoolean()) {
                    // a plausible handle in front, so that the op gets past the handle lookup
                    for (int b = 0; b < 8; b++) body[b] = (byte) (fh >>> (8 * b));
                }
                long node = random.nextBoolean() ? n : FsDriver.ROOT;
                Reply r = d.call(d.fsWorker(), op.code, node, body, -1);
                assertTrue(r.errno() >= 0);
            }
        }
        logger.removeHandler(capture);
        assertEquals(java.util.List.of(), failures, "no request ended in an unexpected exception");
        d.fs.close();
        assertEquals(0, d.fs.openHandleCount());
        try (FsDriver fresh = FsDriver.open()) {
            fresh.lookup(FsDriver.ROOT, "nothing").missing();
        }
    }

    @Test
    void heapSegmentsWork() {
        byte[] body = new RequestBody().name("f").toBytes();
        MemorySegment req = MemorySegment.ofArray(new byte[InHeader.SIZE + body.length]);
        InHeader.write(req, InHeader.SIZE + body.length, Opcode.LOOKUP.code, 99, FsDriver.ROOT, 0, 0, 1);
        MemorySegment.copy(MemorySegment.ofArray(body), 0, req, InHeader.SIZE, body.length);
        MemorySegment reply = MemorySegment.ofArray(new byte[FsDriver.MAX_WRITE + 4096 + 16]);
        int n = d.fs.handle(req, new int[0], reply);
        assertEquals(OutHeader.SIZE + qtfs.fuse.proto.EntryOut.SIZE, n);
        assertEquals(0, OutHeader.error(reply));
        assertEquals(99, OutHeader.unique(reply));
    }

    @Test
    void tooSmallBuffersAreAnsweredWhereTheUniqueIsKnown() {
        MemorySegment reply = MemorySegment.ofArray(new byte[FsDriver.MAX_WRITE + 4096 + 16]);
        MemorySegment header = MemorySegment.ofArray(new byte[20]);
        header.set(qtfs.fuse.proto.Le.U32, InHeader.OPCODE, Opcode.GETATTR.code);
        header.set(qtfs.fuse.proto.Le.U64, InHeader.UNIQUE, 55L);
        assertEquals(OutHeader.SIZE, d.fs.handle(header, null, reply));
        assertEquals(-Errno.EINVAL, OutHeader.error(reply));
        assertEquals(55, OutHeader.unique(reply));
        assertEquals(0, d.fs.handle(MemorySegment.ofArray(new byte[10]), null, reply), "no unique: nothing to answer");

        byte[] body = new RequestBody().name("f").toBytes();
        MemorySegment req = MemorySegment.ofArray(new byte[InHeader.SIZE + body.length]);
        InHeader.write(req, InHeader.SIZE + body.length, Opcode.LOOKUP.code, 56, FsDriver.ROOT, 0, 0, 1);
        MemorySegment small = MemorySegment.ofArray(new byte[100]);
        assertEquals(OutHeader.SIZE, d.fs.handle(req, null, small));
        assertEquals(-Errno.EINVAL, OutHeader.error(small));
    }

    @Test
    void interruptsAreNeverAnswered() {
        assertEquals(0, d.call(Opcode.INTERRUPT, 0, new RequestBody().zeros(2)).body().byteSize());
        assertEquals(0, d.call(Opcode.INTERRUPT, 0, new RequestBody().u64(12345)).body().byteSize());
    }

    @Test
    void aClosedSessionAnswersEnotconn() throws Exception {
        d.fs.close();
        d.lookup(FsDriver.ROOT, "f").fails(Errno.ENOTCONN);
        assertEquals(0, d.fs.openHandleCount());
    }
}
