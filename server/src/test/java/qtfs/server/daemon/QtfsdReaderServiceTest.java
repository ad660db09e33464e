package qtfs.server.daemon;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import qtfs.fuse.proto.Opcode;
import qtfs.wire.FrameType;
import qtfs.wire.FuseFrames;

/**
 * Short requests are served by the connection's reader, not queued behind the workers: with
 * the only worker busy, lookups, getattrs, opens and reads of regular files are still
 * answered, and a READ of a pipe (which may wait for good) or of data that is not in the
 * page cache waits for the worker.
 */
@Timeout(120)
class QtfsdReaderServiceTest {
    private static final int O_RDWR = 2;
    private DaemonFixture f;
    private RawClient client;
    private final CountDownLatch releaseWorker = new CountDownLatch(1);

    @BeforeEach
    void setUp() throws Exception {
        f = new DaemonFixture();
        Files.writeString(f.export.resolve("file"), "data");
        Path uncached = Files.writeString(f.export.resolve("uncached"), "on disk only");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(uncached, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Process dd = new ProcessBuilder("dd", "if=" + uncached, "iflag=nocache", "count=0", "status=none").inheritIO().start();
        assertEquals(0, dd.waitFor(), "dd iflag=nocache drops the file from the page cache");
        Process mkfifo = new ProcessBuilder("mkfifo", f.export.resolve("pipe").toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo");
        f.start(f.config(1, 16));
        client = RawClient.attached(f.socket, f.export.toString());
    }

    @AfterEach
    void tearDown() throws IOException {
        releaseWorker.countDown();
        if (client != null) client.close();
        f.close();
    }

    @Test
    void shortRequestsAreAnsweredWhileTheOnlyWorkerIsBusy() throws Exception {
        CountDownLatch workerTaken = new CountDownLatch(1);
        f.daemon.workers().execute(() -> {
            workerTaken.countDown();
            try {
                releaseWorker.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        workerTaken.await();

        long[] file = open("file", 10);
        assertEquals(0, RawClient.error(client.call(QtfsdAttachTest.getattrRoot(14))));
        ByteBuffer data = client.call(read(16, file));
        assertEquals(0, RawClient.error(data));
        assertEquals(FuseFrames.OUT_HEADER_SIZE + 4, data.remaining(), "a regular file is read at once");

        // O_RDWR: opening a pipe that way does not wait for a writer
        long[] pipe = open("pipe", 20);
        client.send(read(30, pipe));
        long[] uncached = open("uncached", 22);
        client.send(read(32, uncached));
        client.send(RawClient.fuse(Opcode.LOOKUP.code, 34, 1, RawClient.name("file")));
        RawClient.Reply lookup = client.next();
        assertEquals(34, lookup.payload().getLong(8), "the LOOKUP sent after the READs of the pipe and the uncached file comes first");
        releaseWorker.countDown();
        java.util.Set<Long> later = new java.util.HashSet<>();
        for (int i = 0; i < 2; i++) {
            RawClient.Reply read = client.next();
            assertEquals(FrameType.FUSE_REPLY, read.type());
            later.add(read.payload().getLong(8));
        }
        assertEquals(java.util.Set.of(30L, 32L), later, "READs that may wait are answered once the worker is free");
    }

    /** LOOKUP and OPEN (O_RDWR) of {@code name}: node id and handle. */
    private long[] open(String name, long unique) throws IOException {
        ByteBuffer entry = client.call(RawClient.fuse(Opcode.LOOKUP.code, unique, 1, RawClient.name(name)));
        assertEquals(0, RawClient.error(entry));
        long node = entry.getLong(FuseFrames.OUT_HEADER_SIZE);
        ByteBuffer openIn = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(O_RDWR).putInt(0);
        ByteBuffer opened = client.call(RawClient.fuse(Opcode.OPEN.code, unique + 2, node, openIn.array()));
        assertEquals(0, RawClient.error(opened));
        return new long[] {node, opened.getLong(FuseFrames.OUT_HEADER_SIZE)};
    }

    private static ByteBuffer read(long unique, long[] file) {
        ByteBuffer readIn = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN).putLong(file[1]).putLong(0).putInt(4).putInt(0);
        return RawClient.fuse(Opcode.READ.code, unique, file[0], readIn.array());
    }
}
