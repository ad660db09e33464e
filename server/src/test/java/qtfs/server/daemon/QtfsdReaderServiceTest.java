package qtfs.server.daemon;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
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
 * the only worker busy, lookups, getattrs, opens and directory listings are still answered,
 * and a READ waits for the worker.
 */
@Timeout(120)
class QtfsdReaderServiceTest {
    private static final int O_RDONLY = 0;
    private DaemonFixture f;
    private RawClient client;
    private final CountDownLatch releaseWorker = new CountDownLatch(1);

    @BeforeEach
    void setUp() throws Exception {
        f = new DaemonFixture();
        Files.writeString(f.export.resolve("file"), "data");
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

        ByteBuffer entry = client.call(RawClient.fuse(Opcode.LOOKUP.code, 10, 1, RawClient.name("file")));
        assertEquals(0, RawClient.error(entry));
        long node = entry.getLong(FuseFrames.OUT_HEADER_SIZE);
        assertEquals(0, RawClient.error(client.call(QtfsdAttachTest.getattrRoot(12))));
        ByteBuffer openIn = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(O_RDONLY).putInt(0);
        ByteBuffer opened = client.call(RawClient.fuse(Opcode.OPEN.code, 14, node, openIn.array()));
        assertEquals(0, RawClient.error(opened));
        long fh = opened.getLong(FuseFrames.OUT_HEADER_SIZE);

        // data transfer is the workers' job: it is answered once the worker is free again
        ByteBuffer readIn = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN).putLong(fh).putLong(0).putInt(4).putInt(0);
        client.send(RawClient.fuse(Opcode.READ.code, 20, node, readIn.array()));
        client.send(RawClient.fuse(Opcode.LOOKUP.code, 22, 1, RawClient.name("file")));
        RawClient.Reply lookup = client.next();
        assertEquals(22, lookup.payload().getLong(8), "the LOOKUP sent after the READ is answered first");
        releaseWorker.countDown();
        RawClient.Reply read = client.next();
        assertEquals(FrameType.FUSE_REPLY, read.type());
        assertEquals(20, read.payload().getLong(8));
        assertEquals(FuseFrames.OUT_HEADER_SIZE + 4, read.payload().remaining());
    }
}
