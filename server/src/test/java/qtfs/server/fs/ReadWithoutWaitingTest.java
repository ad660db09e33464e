package qtfs.server.fs;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qtfs.sys.OpenFlags;

import static org.junit.jupiter.api.Assertions.*;

/** A thread that must not wait reads what the page cache holds, and leaves the rest to others. */
class ReadWithoutWaitingTest {
    private static final int SIZE = 256 << 10;
    private FsDriver d;

    @BeforeEach
    void setUp() throws Exception {
        d = FsDriver.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        d.close();
    }

    /** Writes the file to disk and drops it from the page cache (dd's nocache: POSIX_FADV_DONTNEED). */
    private static void writeUncached(Path file, byte[] data) throws Exception {
        Files.write(file, data);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Process dd = new ProcessBuilder("dd", "if=" + file, "iflag=nocache", "count=0", "status=none").inheritIO().start();
        assertEquals(0, dd.waitFor(), "dd iflag=nocache");
    }

    @Test
    void uncachedDataIsLeftToAThreadThatMayWaitAndCachedDataIsRead() throws Exception {
        byte[] data = new byte[SIZE];
        Arrays.fill(data, (byte) 7);
        writeUncached(d.export.resolve("f"), data);
        long node = d.lookup(FsDriver.ROOT, "f").nodeid();
        long fh = d.open(node, OpenFlags.O_RDONLY).fh();

        d.withoutWaiting = true;
        assertSame(Reply.WOULD_WAIT, d.read(node, fh, 0, 4096), "not in the page cache");
        d.withoutWaiting = false;
        assertArrayEquals(Arrays.copyOf(data, 4096), d.read(node, fh, 0, 4096).bytes(), "read from the disk");
        d.withoutWaiting = true;
        assertArrayEquals(Arrays.copyOf(data, 4096), d.read(node, fh, 0, 4096).bytes(), "now cached");
        assertSame(Reply.WOULD_WAIT, d.read(node, fh, SIZE - 100, 4096), "the end of the file reads short: left to others");
        d.getattr(node).ok();   // other requests are served as usual
    }
}
