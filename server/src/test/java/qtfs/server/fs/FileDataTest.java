package qtfs.server.fs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qtfs.fuse.proto.OpenOut;
import qtfs.fuse.proto.Opcode;
import qtfs.sys.Errno;
import qtfs.sys.FileCalls;
import qtfs.sys.OpenFlags;
import qtfs.sys.Statx;

import static org.junit.jupiter.api.Assertions.*;

/** Open files: create, read, write, truncate, append, release, space and copy operations. */
class FileDataTest {
    private FsDriver d;

    @BeforeEach
    void setUp() throws Exception {
        d = FsDriver.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        d.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void createWriteReadUnlink() throws Exception {
        Reply c = d.create(FsDriver.ROOT, "f", OpenFlags.O_RDWR, 0640).ok();
        assertEquals(Statx.S_IFREG | 0640, c.entryMode());
        long node = c.nodeid(), fh = c.createFh();
        assertEquals(1, d.fs.openHandleCount());
        assertEquals(5, d.write(node, fh, 0, bytes("hello")).u32(0));
        assertEquals(6, d.write(node, fh, 5, bytes(" world")).u32(0));
        assertEquals("hello world", Files.readString(d.export.resolve("f")));
        assertEquals("hello world", d.read(node, fh, 0, 4096).text());
        assertEquals("world", d.read(node, fh, 6, 4096).text());
        assertEquals("", d.read(node, fh, 100, 4096).text(), "read past the end is empty");
        d.flush(node, fh, 77).ok();
        d.release(node, fh).ok();
        assertEquals(0, d.fs.openHandleCount());
        d.read(node, fh, 0, 10).fails(Errno.EBADF);
        d.unlink(FsDriver.ROOT, "f").ok();
        assertFalse(Files.exists(d.export.resolve("f")));
        d.unlink(FsDriver.ROOT, "f").fails(Errno.ENOENT);
    }

    @Test
    void bigReadsAndWritesGoThroughWhole() throws Exception {
        byte[] data = new byte[FsDriver.MAX_WRITE];
        new java.util.Random(1).nextBytes(data);
        long[] f = d.createFile("big", data);
        assertArrayEquals(data, Files.readAllBytes(d.export.resolve("big")));
        assertArrayEquals(data, d.read(f[0], f[1], 0, FsDriver.MAX_WRITE).bytes());
    }

    @Test
    void exclusiveCreateOfAnExistingFileFails() throws Exception {
        Files.writeString(d.export.resolve("f"), "keep");
        d.create(FsDriver.ROOT, "f", OpenFlags.O_WRONLY | OpenFlags.O_EXCL, 0644).fails(Errno.EEXIST);
        assertEquals("keep", Files.readString(d.export.resolve("f")));
        // without O_EXCL it opens the existing file
        Reply r = d.create(FsDriver.ROOT, "f", OpenFlags.O_RDONLY, 0644).ok();
        assertEquals("keep", d.read(r.nodeid(), r.createFh(), 0, 100).text());
    }

    @Test
    void openWithTruncAndAppend() throws Exception {
        Files.writeString(d.export.resolve("f"), "0123456789");
        long node = d.lookup(FsDriver.ROOT, "f").nodeid();
        long fh = d.open(node, OpenFlags.O_WRONLY | OpenFlags.O_APPEND).fh();
        d.write(node, fh, 0, bytes("ab")).ok();   // offset 0, but O_APPEND appends
        assertEquals("0123456789ab", Files.readString(d.export.resolve("f")));
        d.release(node, fh).ok();

        long fh2 = d.open(node, OpenFlags.O_RDWR | OpenFlags.O_TRUNC).fh();
        assertEquals(0, Files.size(d.export.resolve("f")));
        d.release(node, fh2).ok();
    }

    @Test
    void readOnlyHandleCannotWrite() throws Exception {
        Files.writeString(d.export.resolve("f"), "x");
        long node = d.lookup(FsDriver.ROOT, "f").nodeid();
        long fh = d.open(node, OpenFlags.O_RDONLY).fh();
        d.write(node, fh, 0, bytes("y")).fails(Errno.EBADF);
    }

    @Test
    void directIoIsAskedForOnlyWhenTheCallerDid() throws Exception {
        Files.writeString(d.export.resolve("f"), "x");
        long node = d.lookup(FsDriver.ROOT, "f").nodeid();
        assertEquals(0, d.open(node, OpenFlags.O_RDONLY).openFlags() & OpenOut.FOPEN_DIRECT_IO);
        assertEquals(OpenOut.FOPEN_DIRECT_IO, d.open(node, OpenFlags.O_RDONLY | OpenFlags.O_DIRECT).openFlags()
                & OpenOut.FOPEN_DIRECT_IO);
    }

    @Test
    void directIoFilesTransferFromAndIntoUnalignedBuffers() throws Exception {
        // O_DIRECT on the server would demand aligned buffers, offsets and sizes; requests carry none of them
        Reply c = d.create(FsDriver.ROOT, "d.bin", OpenFlags.O_RDWR | OpenFlags.O_DIRECT, 0644).ok();
        assertEquals(OpenOut.FOPEN_DIRECT_IO, c.createOpenFlags() & OpenOut.FOPEN_DIRECT_IO);
        long node = c.nodeid(), fh = c.createFh();
        byte[] block = new byte[8192];
        new java.util.Random(5).nextBytes(block);
        assertEquals(8192, d.write(node, fh, 0, block).u32(0));
        assertEquals(8192, d.write(node, fh, 1 << 20, block).u32(0));
        assertEquals(3, d.write(node, fh, 7, bytes("odd")).u32(0));
        byte[] expected = block.clone();
        System.arraycopy(bytes("odd"), 0, expected, 7, 3);
        assertArrayEquals(expected, d.read(node, fh, 0, 8192).bytes());
        assertArrayEquals(Arrays.copyOfRange(expected, 1, 101), d.read(node, fh, 1, 100).bytes());
        assertEquals((1 << 20) + 8192, Files.size(d.export.resolve("d.bin")));

        long fh2 = d.open(node, OpenFlags.O_RDONLY | OpenFlags.O_DIRECT).fh();
        assertArrayEquals(block, d.read(node, fh2, 1 << 20, 8192).bytes());
    }

    @Test
    void procFilesAreServedWithDirectIoAndNoCaching() throws Exception {
        try (FsDriver proc = FsDriverForPath.open("/proc/sys/kernel")) {
            Reply r = proc.lookup(FsDriver.ROOT, "ostype").ok();
            assertEquals(0, r.u64(16), "no entry caching");
            assertEquals(0, r.u64(24), "no attribute caching");
            assertEquals(0, r.entrySize(), "proc files report size 0");
            Reply open = proc.open(r.nodeid(), OpenFlags.O_RDONLY).ok();
            assertEquals(OpenOut.FOPEN_DIRECT_IO, open.openFlags() & OpenOut.FOPEN_DIRECT_IO);
            assertEquals("Linux\n", proc.read(r.nodeid(), open.fh(), 0, 4096).text());
        }
    }

    @Test
    void punchHoleAndSeekHole() throws Exception {
        byte[] data = new byte[1 << 20];
        Arrays.fill(data, (byte) 7);
        long[] f = d.createFile("sparse", data);
        d.call(Opcode.FSYNC, f[0], new RequestBody().u64(f[1]).u32(0).u32(0)).ok();
        d.fallocate(f[0], f[1], 65536, 65536, FileCalls.FALLOC_FL_PUNCH_HOLE | FileCalls.FALLOC_FL_KEEP_SIZE).ok();
        assertEquals(65536, d.lseek(f[0], f[1], 0, FileCalls.SEEK_HOLE).u64(0));
        assertEquals(131072, d.lseek(f[0], f[1], 65536, FileCalls.SEEK_DATA).u64(0));
        byte[] hole = d.read(f[0], f[1], 65536, 65536).bytes();
        assertArrayEquals(new byte[65536], hole);
        assertEquals(1 << 20, Files.size(d.export.resolve("sparse")), "KEEP_SIZE");

        d.fallocate(f[0], f[1], 0, 4096, FileCalls.FALLOC_FL_ZERO_RANGE).ok();
        assertArrayEquals(new byte[4096], d.read(f[0], f[1], 0, 4096).bytes());
        d.fallocate(f[0], f[1], 1 << 20, 4096, 0).ok();
        assertEquals((1 << 20) + 4096, Files.size(d.export.resolve("sparse")), "plain allocation grows the file");
        d.lseek(f[0], f[1], 1 << 22, FileCalls.SEEK_DATA).fails(Errno.ENXIO);
    }

    @Test
    void copyFileRangeBetweenTwoHandles() throws Exception {
        long[] src = d.createFile("src", bytes("abcdefghij"));
        long[] dst = d.createFile("dst", bytes("0123456789"));
        Reply r = d.copyFileRange(src[0], src[1], 2, dst[0], dst[1], 5, 3).ok();
        assertEquals(3, r.u32(0));
        assertEquals("01234cde89", Files.readString(d.export.resolve("dst")));
        d.copyFileRange(src[0], src[1], 0, src[0], dst[1], 0, 3).fails(Errno.EBADF);   // node/handle mismatch
    }

    @Test
    void fsyncAndFdatasync() throws Exception {
        long[] f = d.createFile("f", bytes("x"));
        d.call(Opcode.FSYNC, f[0], new RequestBody().u64(f[1]).u32(0).u32(0)).ok();
        d.call(Opcode.FSYNC, f[0], new RequestBody().u64(f[1]).u32(1).u32(0)).ok();
        d.call(Opcode.SYNCFS, FsDriver.ROOT, new RequestBody().u64(0)).ok();
    }

    @Test
    void setattrSizeThroughAHandle() throws Exception {
        long[] f = d.createFile("f", bytes("0123456789"));
        int SIZE = 8, FH = 64;
        assertEquals(3, d.setattr(f[0], SIZE | FH, f[1], 3, 0, 0, 0, 0, 0, 0, 0).attrSize());
        assertEquals("012", Files.readString(d.export.resolve("f")));
    }

    @Test
    void getattrThroughAHandleSeesAnUnlinkedFile() throws Exception {
        long[] f = d.createFile("f", bytes("12345"));
        d.unlink(FsDriver.ROOT, "f").ok();
        Reply r = d.call(Opcode.GETATTR, f[0], new RequestBody().u32(1).u32(0).u64(f[1])).ok();
        assertEquals(5, r.attrSize());
        assertEquals(0, r.attrNlink());
        assertEquals("12345", d.read(f[0], f[1], 0, 10).text(), "an open file outlives its name");
    }

    @Test
    void tmpfileIsAnonymous() throws Exception {
        Reply r = d.call(Opcode.TMPFILE, FsDriver.ROOT, new RequestBody().u32(OpenFlags.O_RDWR).u32(0600).u32(0).u32(0)).ok();
        long node = r.nodeid(), fh = r.createFh();
        d.write(node, fh, 0, bytes("tmp")).ok();
        assertEquals("tmp", d.read(node, fh, 0, 10).text());
        try (var s = Files.list(d.export)) {
            assertEquals(0, s.count(), "an O_TMPFILE file has no name");
        }
    }
}
