package qtfs.client;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import qtfs.server.daemon.Qtfsd;
import qtfs.server.daemon.QtfsdConfig;
import qtfs.server.whitelist.Section;
import qtfs.transport.Address;
import qtfs.wire.FrameHeader;

/** qtfsd in this process on a unix socket, a real FUSE mount through MountClient, files used with java.nio. */
@Timeout(180)
class EndToEndTest {
    private Path root;
    private Path export;
    private Path mnt;
    private Qtfsd daemon;
    private MountClient client;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createTempDirectory(Path.of("/tmp"), "qtfs-e");
        export = Files.createDirectory(root.resolve("export"));
        mnt = Files.createDirectory(root.resolve("mnt"));
        Path whitelist = root.resolve("whitelist");
        StringBuilder text = new StringBuilder();
        for (Section s : Section.values()) text.append('[').append(s.title).append("]\nPath=").append(export).append('\n');
        Files.writeString(whitelist, text);
        Address.Unix socket = new Address.Unix(root.resolve("qtfsd.sock"));
        daemon = Qtfsd.start(new QtfsdConfig(List.of(socket), whitelist, 4, 16, FrameHeader.DEFAULT_MAX_FRAME_SIZE, root.resolve("run")));
        client = MountClient.mount(new ClientOptions(socket, export.toString(), mnt, 2, 2, Duration.ofSeconds(1), Duration.ofSeconds(1),
                false, false));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (client != null) client.close();
        } finally {
            try {
                Mounts.forceUnmount(mnt);
            } finally {
                if (daemon != null) daemon.close();
                Mounts.deleteTree(root);
            }
        }
    }

    @Test
    void writesReadsAndListsFilesThroughTheMount() throws Exception {
        Files.writeString(mnt.resolve("a.txt"), "hello over qtfs");
        assertEquals("hello over qtfs", Files.readString(mnt.resolve("a.txt")));
        assertEquals("hello over qtfs", Files.readString(export.resolve("a.txt")), "the file is on the server");

        Files.createDirectory(mnt.resolve("dir"));
        Files.writeString(export.resolve("dir/from-server.txt"), "made on the server");
        assertEquals("made on the server", Files.readString(mnt.resolve("dir/from-server.txt")));
        try (Stream<Path> list = Files.list(mnt)) {
            assertEquals(List.of("a.txt", "dir"), list.map(p -> p.getFileName().toString()).sorted().toList());
        }

        Files.move(mnt.resolve("a.txt"), mnt.resolve("dir/b.txt"), StandardCopyOption.ATOMIC_MOVE);
        assertFalse(Files.exists(export.resolve("a.txt")));
        assertEquals("hello over qtfs", Files.readString(export.resolve("dir/b.txt")));
        Files.delete(mnt.resolve("dir/b.txt"));
        assertThrows(NoSuchFileException.class, () -> Files.readString(mnt.resolve("dir/b.txt")));
    }

    @Test
    void largeFilesCrossInManyFullSizeFrames() throws Exception {
        byte[] data = new byte[5 * (1 << 20) + 12345];
        new Random(7).nextBytes(data);
        Files.write(mnt.resolve("big.bin"), data);
        assertArrayEquals(data, Files.readAllBytes(export.resolve("big.bin")));
        assertArrayEquals(data, Files.readAllBytes(mnt.resolve("big.bin")));
        assertEquals(data.length, Files.size(mnt.resolve("big.bin")));
    }

    @Test
    void manyThreadsShareTheConnections() throws Exception {
        List<Thread> threads = new java.util.ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        for (int t = 0; t < 8; t++) {
            int id = t;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 20; i++) {
                        Path p = mnt.resolve("t" + id + "-" + i);
                        Files.writeString(p, "thread " + id + " file " + i);
                        assertEquals("thread " + id + " file " + i, Files.readString(p));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : threads) t.join();
        assertEquals(List.of(), failures);
        try (Stream<Path> list = Files.list(export)) {
            assertEquals(160, list.count());
        }
    }

    @Test
    void closingAnyDescriptorOfAFileReleasesTheLocksOfTheProcess() throws Exception {
        Path onServer = Files.writeString(export.resolve("locked"), "x");
        try (FileChannel locker = FileChannel.open(mnt.resolve("locked"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertNotNull(locker.tryLock());
            assertNull(serverSideTryLock(onServer), "the lock taken through the mount holds on the server");
            // POSIX: a close of another descriptor of the file (one that neither wrote nor locked) drops the lock
            FileChannel.open(mnt.resolve("locked"), StandardOpenOption.READ).close();
            FileLock free = serverSideTryLock(onServer);
            assertNotNull(free, "the close reached the server and released the lock");
            free.channel().close();
        }
    }

    @Test
    void extendedAttributesSetAfterAListingShowAtOnce() throws Exception {
        Files.writeString(export.resolve("f"), "x");
        try (Stream<Path> list = Files.list(mnt)) {
            assertEquals(1, list.count());   // tells the client f has no extended attributes
        }
        UserDefinedFileAttributeView view = Files.getFileAttributeView(mnt.resolve("f"), UserDefinedFileAttributeView.class);
        assertEquals(List.of(), view.list());
        view.write("tag", ByteBuffer.wrap("v".getBytes()));
        assertEquals(List.of("tag"), view.list(), "set through the mount: seen at once");
        ByteBuffer value = ByteBuffer.allocate(8);
        assertEquals(1, view.read("tag", value));
        view.delete("tag");
        assertEquals(List.of(), view.list());
    }

    /** A lock attempt by a process on the server (this one, with its own descriptor): null if held elsewhere. */
    private static FileLock serverSideTryLock(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = ch.tryLock();
        if (lock == null) ch.close();
        return lock;
    }
}
