package qtfs.fuse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qtfs.fuse.proto.InitFlags;
import qtfs.fuse.proto.InitParams;

import static org.junit.jupiter.api.Assertions.*;

/** Real mounts (the tests run as root): the kernel talks to a {@link FuseSession} serving {@link HelloFileSystem}. */
class FuseSessionTest {
    /** Guards against hangs only; nothing here measures time. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private MountFixture fixture;
    private Path mountpoint;
    private HelloFileSystem fs;

    @BeforeEach
    void setUp() throws IOException {
        fixture = new MountFixture();
        mountpoint = fixture.directory("mnt");
        fs = new HelloFileSystem();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.cleanUp();
    }

    private FuseSession mountAndStart(FuseMountOptions options) throws Exception {
        FuseSession session = fixture.track(FuseSession.mount(options, fs));
        session.start();
        session.awaitInit(PATIENCE);
        return session;
    }

    @Test
    void servesAFileListingAndAttributesToPlainJavaIo() throws Exception {
        FuseSession session = mountAndStart(MountFixture.options(mountpoint, 2, MountFixture.flagsWithoutReaddirplus()));
        assertEquals(mountpoint.toRealPath(), session.mountpoint());
        MountEntry entry = MountFixture.mountAt(mountpoint);
        assertEquals("fuse." + MountFixture.SUBTYPE, entry.fsType());
        assertEquals(MountFixture.SOURCE, entry.source());
        assertTrue(entry.hasMountOption("nosuid") && entry.hasMountOption("nodev"), entry.mountOptions());

        Path hello = mountpoint.resolve(HelloFileSystem.FILE_NAME);
        assertArrayEquals(HelloFileSystem.CONTENT, Files.readAllBytes(hello));
        try (Stream<Path> list = Files.list(mountpoint)) {
            assertEquals(List.of(hello), list.toList());
        }
        BasicFileAttributes attributes = Files.readAttributes(hello, BasicFileAttributes.class);
        assertTrue(attributes.isRegularFile());
        assertEquals(HelloFileSystem.CONTENT.length, attributes.size());
        assertTrue(Files.isDirectory(mountpoint));
        assertFalse(Files.exists(mountpoint.resolve("absent")));
        FileStore store = Files.getFileStore(mountpoint);
        assertEquals(HelloFileSystem.STATFS_BLOCKS * HelloFileSystem.STATFS_BSIZE, store.getTotalSpace());
    }

    @Test
    void manyThreadsReadingAtOnceAllGetTheirData() throws Exception {
        mountAndStart(MountFixture.options(mountpoint, 4, MountFixture.flagsWithoutReaddirplus()));
        Path hello = mountpoint.resolve(HelloFileSystem.FILE_NAME);
        List<CompletableFuture<Void>> readers = new java.util.ArrayList<>();
        for (int t = 0; t < 8; t++) {
            readers.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 50; i++) {
                    try {
                        assertArrayEquals(HelloFileSystem.CONTENT, Files.readAllBytes(hello));
                        try (Stream<Path> list = Files.list(mountpoint)) {
                            assertEquals(1, list.count());
                        }
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }
            }, runnable -> Thread.ofPlatform().start(runnable)));
        }
        CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new)).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertTrue(fs.reads.get() > 0);
    }

    @Test
    void initHonoursMaxWriteAndAgreesOnlyToWantedFlagsTheKernelOffers() throws Exception {
        FuseSession session = fixture.track(FuseSession.mount(
                MountFixture.options(mountpoint, 1, FuseSession.DEFAULT_INIT_FLAGS), fs));
        session.start();
        InitParams params = session.awaitInit(PATIENCE);
        assertSame(params, fs.init);
        assertEquals(1, fs.initCalls.get());
        assertEquals(7, params.major());
        assertTrue(params.minor() >= InitNegotiation.OLDEST_MINOR && params.minor() <= InitNegotiation.MINOR, "minor " + params.minor());
        assertEquals(1 << 20, params.maxWrite());
        assertEquals((1 << 20) / qtfs.sys.PageSize.get(), params.maxPages());
        assertEquals(1, params.timeGran());
        assertTrue(params.maxReadahead() > 0);
        long allowed = FuseSession.DEFAULT_INIT_FLAGS | InitNegotiation.SESSION_FLAGS;
        assertEquals(0, params.flags() & ~allowed, "flags not asked for: " + Long.toHexString(params.flags() & ~allowed));
        assertTrue(params.has(InitFlags.MAX_PAGES));
        assertTrue(params.has(InitFlags.ASYNC_READ), "every supported kernel offers ASYNC_READ");
        assertFalse(params.has(InitFlags.WRITEBACK_CACHE));

        Path second = fixture.directory("second");
        HelloFileSystem other = new HelloFileSystem();
        FuseSession narrow = fixture.track(FuseSession.mount(new FuseMountOptions(second, MountFixture.SOURCE,
                MountFixture.SUBTYPE, 1, 128 * 1024, false, false, InitFlags.ASYNC_READ), other));
        narrow.start();
        InitParams narrowParams = narrow.awaitInit(PATIENCE);
        assertEquals(InitFlags.ASYNC_READ, narrowParams.flags() & ~InitNegotiation.SESSION_FLAGS);
        assertEquals(128 * 1024, narrowParams.maxWrite());
    }

    @Test
    void aReplyHeldBackOnAnotherThreadDoesNotHoldUpOtherRequests() throws Exception {
        CountDownLatch readArrived = new CountDownLatch(1);
        CountDownLatch releaseRead = new CountDownLatch(1);
        fs.readReplies = reply -> {
            readArrived.countDown();
            Thread.ofPlatform().start(() -> {
                awaitQuietly(releaseRead);
                reply.run();
            });
        };
        // One reader thread: only a session that never waits for replies can serve the stat below.
        mountAndStart(MountFixture.options(mountpoint, 1, MountFixture.flagsWithoutReaddirplus()));
        assertStatServedWhileReadPending(readArrived, releaseRead);
    }

    @Test
    void aHandlerBlockedOnOneReaderThreadLeavesTheOthersServing() throws Exception {
        CountDownLatch readArrived = new CountDownLatch(1);
        CountDownLatch releaseRead = new CountDownLatch(1);
        fs.readReplies = reply -> {
            readArrived.countDown();
            awaitQuietly(releaseRead); // blocks this reader thread inside onRequest
            reply.run();
        };
        mountAndStart(MountFixture.options(mountpoint, 2, MountFixture.flagsWithoutReaddirplus()));
        assertStatServedWhileReadPending(readArrived, releaseRead);
    }

    private void assertStatServedWhileReadPending(CountDownLatch readArrived, CountDownLatch releaseRead) throws Exception {
        Path hello = mountpoint.resolve(HelloFileSystem.FILE_NAME);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readAllBytes(hello);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, runnable -> Thread.ofPlatform().start(runnable));
        try {
            assertTrue(readArrived.await(PATIENCE.toSeconds(), TimeUnit.SECONDS), "READ reached the file system");
            int getattrsBefore = fs.fileGetattrs.get();
            BasicFileAttributes attributes = assertTimeoutPreemptively(PATIENCE,
                    () -> Files.readAttributes(hello, BasicFileAttributes.class));
            assertEquals(HelloFileSystem.CONTENT.length, attributes.size());
            assertTrue(fs.fileGetattrs.get() > getattrsBefore, "the stat was answered by the file system");
            assertFalse(read.isDone(), "the READ is still waiting for its reply");
        } finally {
            releaseRead.countDown();
        }
        assertArrayEquals(HelloFileSystem.CONTENT, read.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void closeUnmountsEndsTheSessionAndIsIdempotent() throws Exception {
        FuseSession session = mountAndStart(MountFixture.options(mountpoint, 2, FuseSession.DEFAULT_INIT_FLAGS));
        assertTrue(MountFixture.isMounted(mountpoint));
        session.close();
        assertFalse(MountFixture.isMounted(mountpoint));
        assertTimeoutPreemptively(PATIENCE, session::awaitExit);
        assertEquals(1, fs.destroyCalls.get());
        session.close();
        assertEquals(1, fs.destroyCalls.get());
        assertFalse(Files.exists(mountpoint.resolve(HelloFileSystem.FILE_NAME)), "the directory underneath is visible again");
    }

    @Test
    void closeBeforeStartUnmountsAndFailsAwaitInit() throws Exception {
        FuseSession session = fixture.track(FuseSession.mount(
                MountFixture.options(mountpoint, 1, FuseSession.DEFAULT_INIT_FLAGS), fs));
        assertTrue(MountFixture.isMounted(mountpoint));
        session.close();
        assertFalse(MountFixture.isMounted(mountpoint));
        assertTimeoutPreemptively(PATIENCE, session::awaitExit);
        FuseMountException e = assertThrows(FuseMountException.class, () -> session.awaitInit(PATIENCE));
        assertTrue(e.getMessage().contains("ended before"), e.getMessage());
        assertThrows(IllegalStateException.class, session::start);
        assertEquals(1, fs.destroyCalls.get());
    }

    @Test
    void anExternalUmountEndsTheSession() throws Exception {
        FuseSession session = mountAndStart(MountFixture.options(mountpoint, 3, FuseSession.DEFAULT_INIT_FLAGS));
        assertEquals(0, MountFixture.run("umount", mountpoint.toString()));
        assertTimeoutPreemptively(PATIENCE, session::awaitExit);
        assertEquals(1, fs.destroyCalls.get());
        assertFalse(MountFixture.isMounted(mountpoint));
        session.close();
        assertEquals(1, fs.destroyCalls.get());
    }

    @Test
    void closeCutsOffAFileSystemThatIsStillInUse() throws Exception {
        fixture.requireFusectl();
        FuseSession session = mountAndStart(MountFixture.options(mountpoint, 2, FuseSession.DEFAULT_INIT_FLAGS));
        FileChannel open = FileChannel.open(mountpoint.resolve(HelloFileSystem.FILE_NAME));
        try {
            session.close(); // the open file keeps the lazily unmounted file system alive
            assertFalse(MountFixture.isMounted(mountpoint));
            assertTimeoutPreemptively(PATIENCE, session::awaitExit);
            assertEquals(1, fs.destroyCalls.get());
            IOException e = assertThrows(IOException.class, () -> open.read(ByteBuffer.allocate(64), 0));
            assertTrue(e.getMessage().contains("not connected"), e.getMessage());
        } finally {
            try {
                open.close();
            } catch (IOException expected) {
                // closing a file of an aborted FUSE connection reports ENOTCONN
            }
        }
    }

    @Test
    void closeFromAShutdownHookUnmountsOnSigterm() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ShutdownHookMount.class.getName(), mountpoint.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String line = assertTimeoutPreemptively(PATIENCE,
                    () -> new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream())).readLine());
            assertEquals("ready", line);
            assertTrue(MountFixture.isMounted(mountpoint));
            assertArrayEquals(HelloFileSystem.CONTENT, Files.readAllBytes(mountpoint.resolve(HelloFileSystem.FILE_NAME)));
            child.destroy(); // SIGTERM
            assertTrue(child.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the process ended");
            assertFalse(MountFixture.isMounted(mountpoint), "the shutdown hook unmounted");
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    @Test
    void mountsReadOnlyWhenAsked() throws Exception {
        mountAndStart(new FuseMountOptions(mountpoint, MountFixture.SOURCE, MountFixture.SUBTYPE, 1, 1 << 20,
                false, true, FuseSession.DEFAULT_INIT_FLAGS));
        assertTrue(MountFixture.mountAt(mountpoint).hasMountOption("ro"), MountFixture.mountAt(mountpoint).mountOptions());
    }

    @Test
    void mountsThroughFusermount3() throws Exception {
        FuseSession session = fixture.track(FuseSession.mount(
                MountFixture.options(mountpoint, 2, MountFixture.flagsWithoutReaddirplus()), fs,
                new FusermountMount(FusermountMount.defaultSearchPath())));
        session.start();
        session.awaitInit(PATIENCE);
        MountEntry entry = MountFixture.mountAt(mountpoint);
        assertEquals("fuse." + MountFixture.SUBTYPE, entry.fsType());
        assertEquals(MountFixture.SOURCE, entry.source());
        assertArrayEquals(HelloFileSystem.CONTENT, Files.readAllBytes(mountpoint.resolve(HelloFileSystem.FILE_NAME)));
        session.close();
        assertFalse(MountFixture.isMounted(mountpoint));
        assertTimeoutPreemptively(PATIENCE, session::awaitExit);
    }

    // ---- refusals --------------------------------------------------------------------

    private FuseMountException refused(Path where, MountMethod method) {
        return assertThrows(FuseMountException.class, () -> fixture.track(FuseSession.mount(
                MountFixture.options(where, 1, FuseSession.DEFAULT_INIT_FLAGS), fs, method)));
    }

    @Test
    void refusesAMissingMountpoint() throws Exception {
        Path missing = fixture.root.resolve("missing");
        assertEquals("mountpoint " + missing + " does not exist", refused(missing, new KernelMount()).getMessage());
    }

    @Test
    void refusesAMountpointThatIsNotADirectory() throws Exception {
        Path file = Files.writeString(fixture.root.resolve("file"), "x");
        assertEquals("mountpoint " + file + " is not a directory", refused(file, new KernelMount()).getMessage());
    }

    @Test
    void refusesAMountpointThatIsAlreadyMountedAndSaysWhatIsThere() throws Exception {
        mountAndStart(MountFixture.options(mountpoint, 1, FuseSession.DEFAULT_INIT_FLAGS));
        String message = refused(mountpoint, new KernelMount()).getMessage();
        assertEquals("mountpoint " + mountpoint + " is already a mount point: fuse." + MountFixture.SUBTYPE
                + " (source " + MountFixture.SOURCE + ") is mounted there; unmount it first", message);
    }

    @Test
    void refusesADeadFuseMountWithoutTouchingIt() throws Exception {
        FuseSession session = fixture.track(FuseSession.mount(
                MountFixture.options(mountpoint, 1, FuseSession.DEFAULT_INIT_FLAGS), fs));
        // Abandon the connection without unmounting: every access to the mountpoint now fails.
        session.start();
        session.awaitInit(PATIENCE);
        fixture.requireFusectl();
        MountEntry entry = MountFixture.mountAt(mountpoint);
        Files.writeString(Path.of("/sys/fs/fuse/connections", Long.toString(entry.kernelDevice()), "abort"), "1");
        assertThrows(IOException.class, () -> Files.readAttributes(mountpoint, BasicFileAttributes.class),
                "the mount is dead");
        String message = refused(mountpoint, new KernelMount()).getMessage();
        assertTrue(message.startsWith("mountpoint " + mountpoint + " is already a mount point"), message);
    }

    @Test
    void saysWhenTheFuseDeviceCannotBeOpened() throws Exception {
        String message = refused(mountpoint, new KernelMount("/nonexistent/fuse")).getMessage();
        assertTrue(message.startsWith("cannot mount on " + mountpoint.toRealPath() + ": cannot open the FUSE device"), message);
        assertTrue(message.contains("/nonexistent/fuse") && message.contains("modprobe fuse"), message);
        assertFalse(MountFixture.isMounted(mountpoint));
    }

    @Test
    void saysWhenFusermount3IsMissing() throws Exception {
        Path empty = fixture.directory("no-programs");
        String message = refused(mountpoint, new FusermountMount(List.of(empty))).getMessage();
        assertTrue(message.startsWith("cannot mount on " + mountpoint.toRealPath() + ": fusermount3 was not found"), message);
        assertTrue(message.contains(empty.toString()) && message.contains("fuse3"), message);
        assertFalse(MountFixture.isMounted(mountpoint));
    }

    @Test
    void relaysWhatFusermount3Says() throws Exception {
        Path missing = fixture.root.resolve("missing");
        // Skip our own checks to hear fusermount3 itself refuse.
        MountMethod method = new FusermountMount(FusermountMount.defaultSearchPath());
        FuseMountException e = assertThrows(FuseMountException.class,
                () -> method.mount(missing, MountFixture.options(missing, 1, FuseSession.DEFAULT_INIT_FLAGS)));
        assertTrue(e.getMessage().startsWith("cannot mount on " + missing + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("fusermount3 failed with exit status 1: fusermount3:"), e.getMessage());
        assertTrue(e.getMessage().contains(missing.toString() + ": No such file or directory"), e.getMessage());
    }
}
