package qtfs.client;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qtfs.server.daemon.Liveness;
import qtfs.server.daemon.Qtfsd;
import qtfs.server.daemon.QtfsdConfig;
import qtfs.server.whitelist.Section;
import qtfs.transport.Address;
import qtfs.wire.FrameHeader;

/**
 * A soft mount does not fail a FIFO open that legitimately waits for the other end, even when
 * its connection broke meanwhile and the wait goes on far longer than timeo.
 */
class FifoSoftMountTest {
    private static final Duration HEARTBEAT = Duration.ofMillis(300);
    private static final Duration TIMEO = Duration.ofSeconds(1);

    private Path root;
    private Path export;
    private Path mnt;
    private Qtfsd daemon;
    private FaultyLink link;
    private MountClient client;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createTempDirectory(Path.of("/tmp"), "qtfs-fifo-soft");
        export = Files.createDirectory(root.resolve("export"));
        mnt = Files.createDirectory(root.resolve("mnt"));
        StringBuilder text = new StringBuilder();
        for (Section s : Section.values()) text.append('[').append(s.title).append("]\nPath=").append(export).append('\n');
        Files.writeString(root.resolve("whitelist"), text);
        Address.Unix socket = new Address.Unix(root.resolve("qtfsd.sock"));
        daemon = Qtfsd.start(new QtfsdConfig(List.of(socket), root.resolve("whitelist"), 4, 16, FrameHeader.DEFAULT_MAX_FRAME_SIZE,
                root.resolve("run")), new Liveness(HEARTBEAT, Duration.ofSeconds(30)));
        link = new FaultyLink(new Address.Unix(root.resolve("link.sock")), socket);
        client = MountClient.mount(new ClientOptions(link.address, export.toString(), mnt, 1, 2, Duration.ZERO, Duration.ZERO,
                false, false), Recovery.soft(HEARTBEAT, TIMEO));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (client != null) client.close();
        } finally {
            try {
                Mounts.forceUnmount(mnt);
            } finally {
                try {
                    if (link != null) link.close();
                } finally {
                    if (daemon != null) daemon.close();
                    Mounts.deleteTree(root);
                }
            }
        }
    }

    @Test
    void aFifoOpenWaitingForAWriterOutlastsTimeoAndABrokenConnection() throws Exception {
        assertEquals(0, new ProcessBuilder("mkfifo", export.resolve("f").toString()).start().waitFor());
        CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(mnt.resolve("f"));   // a blocking open: waits for a writer
            } catch (Exception e) {
                return "failed: " + e;
            }
        });
        Thread.sleep(500);
        assertFalse(reader.isDone(), "the open waits for a writer");
        link.cut();   // the connection breaks: the open is sent again on the next one
        Thread.sleep(3 * TIMEO.toMillis());
        assertFalse(reader.isDone(), () -> "still waiting for a writer after 3 x timeo, not failed: " + reader.getNow(""));
        Process writer = new ProcessBuilder("sh", "-c", "printf 'from the server' > " + export.resolve("f")).start();
        assertEquals("from the server", reader.get(30, TimeUnit.SECONDS));
        assertEquals(0, writer.waitFor());
    }
}
