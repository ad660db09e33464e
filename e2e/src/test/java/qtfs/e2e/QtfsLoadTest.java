package qtfs.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import qtfs.client.ClientOptions;
import qtfs.client.MountClient;
import qtfs.e2e.harness.DaemonProcess;
import qtfs.e2e.harness.JavaHeap;
import qtfs.e2e.harness.LastResortCleanup;
import qtfs.e2e.harness.MountTable;
import qtfs.e2e.harness.OpenDescriptors;
import qtfs.e2e.harness.QtfsFixture;
import qtfs.e2e.harness.ScratchDir;
import qtfs.transport.Address;

/**
 * 32 clients, each a mount of its own (its own FUSE session, connection and server session),
 * doing mixed work (create, write, fsync, stat, read, rename, readdir, unlink) at once against
 * one qtfsd process, for {@code -Dqtfs.load.seconds} (60 by default). No operation may fail
 * or return wrong data; once every client unmounted, qtfsd holds as many descriptors as
 * before and its heap after a full GC has not grown beyond a small margin. The throughput is
 * printed.
 *
 * <p>The clients run in this JVM ({@link MountClient}, the same code as {@code qtfs mount}):
 * 32 client JVMs would take gigabytes and the CPU the server needs, and qtfsd cannot tell
 * the difference, since each mount is a separate FUSE session with its own connection and
 * session. qtfsd runs as a process of its own, so that its descriptors and heap are its alone.
 */
class QtfsLoadTest {
    private static final int CLIENTS = 32;
    private static final Duration DURATION = Duration.ofSeconds(Long.getLong("qtfs.load.seconds", 60));
    /** Live objects qtfsd may keep beyond its baseline once every client left (class metadata and JIT are not heap). */
    private static final long HEAP_MARGIN = 16L << 20;
    private static final int FILE_SIZE = 4096;
    private static final int FILES_KEPT = 8;

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void thirtyTwoClientsDoMixedWorkWithoutErrorsAndQtfsdGivesEverythingBack() throws Exception {
        try (ScratchDir scratch = ScratchDir.create("qtfs-load-")) {
            Path export = scratch.newDirectory("export");
            Path socket = scratch.path().resolve("qtfsd.sock");
            Path whitelist = QtfsFixture.writeWhitelist(scratch.path().resolve("whitelist"), List.of(export));
            DaemonProcess server = DaemonProcess.start("qtfsd", QtfsFixture.java("qtfs.cli.QtfsdMain", "--listen", "unix:" + socket,
                    "--whitelist", whitelist.toString(), "--run-dir", scratch.newDirectory("run").toString(), "--session-grace", "0"),
                    scratch.path().resolve("qtfsd.log"));
            List<MountClient> clients = new ArrayList<>();
            List<Path> mountPoints = new ArrayList<>();
            try {
                server.awaitLine("qtfsd: ready", Duration.ofSeconds(60));
                long heapBefore = JavaHeap.usedAfterGc(server.pid());
                int descriptorsBefore = OpenDescriptors.total(server.pid());
                for (int i = 0; i < CLIENTS; i++) {
                    Path mnt = scratch.newDirectory("mnt-" + i);
                    mountPoints.add(mnt);
                    LastResortCleanup.register(mnt);
                    clients.add(MountClient.mount(new ClientOptions(Address.parse("unix:" + socket), export.toString(), mnt, 1, 2,
                            Duration.ofSeconds(1), Duration.ofSeconds(1), false, false)));
                }

                AtomicLong ops = new AtomicLong();
                ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
                long deadline = System.nanoTime() + DURATION.toNanos();
                List<Thread> workers = new ArrayList<>();
                long started = System.nanoTime();
                for (int i = 0; i < CLIENTS; i++) {
                    Path dir = Files.createDirectory(mountPoints.get(i).resolve("client-" + i));
                    int client = i;
                    workers.add(Thread.ofPlatform().name("load-client-" + i).start(() -> work(client, dir, deadline, ops, errors)));
                }
                for (Thread w : workers) w.join();
                double seconds = (System.nanoTime() - started) / 1e9;
                long heapLoaded = JavaHeap.usedAfterGc(server.pid());
                System.out.printf("qtfs load: %d clients, %d operations in %.1f s: %.0f ops/s (qtfsd heap after GC: %d KiB before, "
                        + "%d KiB with the clients attached)%n", CLIENTS, ops.get(), seconds, ops.get() / seconds, heapBefore >> 10,
                        heapLoaded >> 10);
                assertTrue(errors.isEmpty(), () -> errors.size() + " operations failed, the first: " + errors.peek() + "\n" + server.describe());

                for (MountClient c : clients) c.close();
                clients.clear();
                for (Path mnt : mountPoints) {
                    server.awaitCondition("the unmount of " + mnt, () -> !MountTable.isMountPoint(mnt), Duration.ofSeconds(30));
                }
                server.awaitCondition(descriptorsBefore + " descriptors again (every session ended)",
                        () -> OpenDescriptors.total(server.pid()) == descriptorsBefore, Duration.ofSeconds(60));
                long heapAfter = JavaHeap.usedAfterGc(server.pid());
                System.out.printf("qtfs load: qtfsd heap after GC once the clients left: %d KiB (%d KiB before)%n", heapAfter >> 10,
                        heapBefore >> 10);
                assertTrue(heapAfter <= heapBefore + HEAP_MARGIN, "qtfsd keeps " + ((heapAfter - heapBefore) >> 10)
                        + " KiB more heap than before the clients came");
            } finally {
                for (MountClient c : clients) c.close();
                for (Path mnt : mountPoints) {
                    if (MountTable.isMountPoint(mnt)) MountTable.unmountLazily(mnt);
                    LastResortCleanup.unregister(mnt);
                }
                server.stop(Duration.ofSeconds(10));
            }
        }
    }

    /** One client's loop: every operation counted in {@code ops}, every failure or wrong answer noted in {@code errors}. */
    private static void work(int client, Path dir, long deadline, AtomicLong ops, ConcurrentLinkedQueue<String> errors) {
        for (int i = 0; System.nanoTime() < deadline && errors.isEmpty(); i++) {
            Path created = dir.resolve("f-" + i);
            Path renamed = dir.resolve("g-" + i);
            byte[] data = contents(client, i);
            try {
                try (FileChannel ch = FileChannel.open(created, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(data));
                    ch.force(true);
                }
                BasicFileAttributes attrs = Files.readAttributes(created, BasicFileAttributes.class);
                if (attrs.size() != FILE_SIZE) errors.add(created + ": size " + attrs.size() + ", not " + FILE_SIZE);
                if (!Arrays.equals(data, Files.readAllBytes(created))) errors.add(created + ": read back other bytes than written");
                Files.move(created, renamed);
                try (Stream<Path> listing = Files.list(dir)) {
                    long n = listing.count();
                    if (n != Math.min(i + 1, FILES_KEPT + 1)) errors.add(dir + ": " + n + " entries after " + (i + 1) + " files");
                }
                if (i >= FILES_KEPT) Files.delete(dir.resolve("g-" + (i - FILES_KEPT)));
                // create, write, fsync, stat, read, rename, readdir (and unlink)
                ops.addAndGet(i >= FILES_KEPT ? 8 : 7);
            } catch (IOException | RuntimeException e) {
                errors.add("client " + client + ", file " + i + ": " + e);
            }
        }
    }

    private static byte[] contents(int client, int i) {
        byte[] data = new byte[FILE_SIZE];
        for (int k = 0; k < FILE_SIZE; k++) data[k] = (byte) (client * 31 + i * 7 + k);
        return data;
    }
}
