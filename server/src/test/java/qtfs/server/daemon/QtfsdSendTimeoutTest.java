package qtfs.server.daemon;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import qtfs.fuse.proto.Opcode;
import qtfs.wire.FuseFrames;

/**
 * A client that stops reading replies is disconnected once a reply has waited for it longer
 * than the send timeout, and the workers that were blocked answering it serve others again.
 */
@Timeout(120)
class QtfsdSendTimeoutTest {
    private static final int MIB = 1 << 20;
    private DaemonFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new DaemonFixture();
        Files.write(f.export.resolve("big"), new byte[MIB]);
        f.start(f.config(2, 16), Duration.ofSeconds(1));
    }

    @AfterEach
    void tearDown() throws IOException {
        f.close();
    }

    /** LOOKUP and OPEN of "big": its node id and handle. */
    private static long[] openBig(RawClient c) throws IOException {
        ByteBuffer entry = c.call(RawClient.fuse(Opcode.LOOKUP.code, 2, 1, RawClient.name("big")));
        assertEquals(0, RawClient.error(entry));
        long node = entry.getLong(FuseFrames.OUT_HEADER_SIZE);
        ByteBuffer opened = c.call(RawClient.fuse(Opcode.OPEN.code, 4, node, new byte[8]));
        assertEquals(0, RawClient.error(opened));
        return new long[] {node, opened.getLong(FuseFrames.OUT_HEADER_SIZE)};
    }

    private static ByteBuffer readAll(long unique, long[] file) {
        ByteBuffer readIn = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN).putLong(file[1]).putLong(0).putInt(MIB);
        return RawClient.fuse(Opcode.READ.code, unique, file[0], readIn.array());
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedAndTheWorkersGoOn() throws Exception {
        RawClient stuck = RawClient.attached(f.socket, f.export.toString());
        try {
            long[] file = openBig(stuck);
            // 32 MiB of replies nobody reads: both workers end up blocked sending them
            for (int i = 0; i < 32; i++) stuck.send(readAll(10 + 2L * i, file));
            while (f.daemon.sessionCount() != 0) Thread.sleep(20);
        } finally {
            stuck.close();
        }
        try (RawClient other = RawClient.attached(f.socket, f.export.toString())) {
            long[] file = openBig(other);
            ByteBuffer data = other.call(readAll(100, file));
            assertEquals(0, RawClient.error(data));
            assertEquals(FuseFrames.OUT_HEADER_SIZE + MIB, data.remaining());
        }
    }
}
