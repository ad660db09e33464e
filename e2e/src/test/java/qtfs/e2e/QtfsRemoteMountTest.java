package qtfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import qtfs.e2e.harness.Command;
import qtfs.e2e.harness.CommandResult;
import qtfs.e2e.harness.HostTool;
import qtfs.e2e.harness.MountTable;
import qtfs.e2e.harness.Poll;
import qtfs.e2e.harness.QtfsFixture;
import qtfs.e2e.harness.ScratchDir;
import qtfs.e2e.harness.UnixUser;

/**
 * Mounts on the server: made from the client (qtfs rmount/rumount), refused outside the
 * [Mount] paths inside the export and for non-root callers, and made on the server by anyone:
 * each shows on the client at once as a mount of its own (its own st_dev, df, find -xdev).
 */
class QtfsRemoteMountTest {
    private static final String ALLOWED = "allowed";
    private static final Duration AT_ONCE = Duration.ofSeconds(5);

    @RegisterExtension
    static final QtfsFixture QTFS = QtfsFixture.singleExport().allowingRemoteMountsIn(ALLOWED);

    @Test
    void tmpfsMountedFromTheClientIsSharedAndUnmountedFromTheClient() throws IOException {
        Path serverDir = ScratchDir.makeDirectory(QTFS.exportDir().resolve(ALLOWED).resolve("scratch"));
        Path clientDir = QTFS.mountPoint().resolve(ALLOWED).resolve("scratch");
        try {
            qtfs(UnixUser.ROOT, "rmount", "-t", "tmpfs", "-o", "size=8m,mode=0755,nosuid", "tmpfs", clientDir.toString())
                    .requireSuccess();
            MountTable.Entry onServer = MountTable.find(serverDir).orElseThrow(() -> new AssertionError("no mount on the server"));
            assertEquals("tmpfs", onServer.fsType());
            assertTrue(onServer.options().contains("nosuid"), onServer.options());
            assertNotEquals(dev(QTFS.mountPoint()), dev(clientDir), "the new mount has a device of its own on the client");

            Files.writeString(clientDir.resolve("from-client"), "written on the client\n");
            assertEquals("written on the client\n", Files.readString(serverDir.resolve("from-client")));

            qtfs(UnixUser.ROOT, "rumount", clientDir.toString()).requireSuccess();
            assertFalse(MountTable.isMountPoint(serverDir), "unmounted on the server");
            assertFalse(Files.exists(clientDir.resolve("from-client")), "the client sees the directory under it again");
            assertEquals(dev(QTFS.mountPoint()), dev(clientDir));
        } finally {
            unmountOnServer(serverDir);
        }
    }

    @Test
    void mountOutsideTheMountPathsInsideTheExportIsRefused() throws IOException {
        Path serverDir = ScratchDir.makeDirectory(QTFS.exportDir().resolve("elsewhere"));
        try {
            CommandResult r = qtfs(UnixUser.ROOT, "rmount", "-t", "tmpfs", "tmpfs",
                    QTFS.mountPoint().resolve("elsewhere").toString());
            assertEquals(1, r.exitCode(), r.describe());
            assertEquals("qtfs: the server refused: " + serverDir + " is not under a [Mount] path inside the export "
                    + QTFS.exportDir() + " in the server's whitelist (EACCES)\n", r.stderr());
            assertFalse(MountTable.isMountPoint(serverDir), "nothing mounted");
            String logged = "denied a remote mount on " + serverDir + ": not under a [Mount] path inside " + QTFS.exportDir();
            QTFS.server().awaitCondition("the server logs the refusal", () -> QTFS.server().log().contains(logged), AT_ONCE);
        } finally {
            unmountOnServer(serverDir);
        }
    }

    @Test
    void bindMountsAndPlacesOutsideQtfsAreRefused() throws IOException {
        Path serverDir = ScratchDir.makeDirectory(QTFS.exportDir().resolve(ALLOWED).resolve("bound"));
        Path clientDir = QTFS.mountPoint().resolve(ALLOWED).resolve("bound");
        try {
            CommandResult r = qtfs(UnixUser.ROOT, "rmount", "-t", "none", "-o", "bind", "/etc", clientDir.toString());
            assertEquals(1, r.exitCode(), r.describe());
            assertEquals("qtfs: the server refused: cannot mount none /etc on " + serverDir + ": flags 0x1000 are not allowed:"
                    + " only new mounts of a file system type, no bind, move or remount (EINVAL)\n", r.stderr());
            assertFalse(MountTable.isMountPoint(serverDir), "nothing mounted");

            CommandResult local = qtfs(UnixUser.ROOT, "rmount", "-t", "tmpfs", "tmpfs", QTFS.localDir().toString());
            assertEquals(1, local.exitCode(), local.describe());
            assertEquals("qtfs: " + QTFS.localDir() + " is not inside a qtfs mount\n", local.stderr());
            assertFalse(MountTable.isMountPoint(QTFS.localDir()), "nothing mounted");
        } finally {
            unmountOnServer(serverDir);
        }
    }

    @Test
    void onlyRootMayMountOrUnmount() throws IOException {
        Path serverDir = ScratchDir.makeDirectory(QTFS.exportDir().resolve(ALLOWED).resolve("by-nobody"));
        Path clientDir = QTFS.mountPoint().resolve(ALLOWED).resolve("by-nobody");
        try {
            CommandResult r = qtfs(UnixUser.NOBODY, "rmount", "-t", "tmpfs", "tmpfs", clientDir.toString());
            assertEquals(1, r.exitCode(), r.describe());
            assertEquals("qtfs: the server refused: only root may mount or unmount on the server (EPERM)\n", r.stderr());
            assertFalse(MountTable.isMountPoint(serverDir), "nothing mounted");

            qtfs(UnixUser.ROOT, "rmount", "-t", "tmpfs", "tmpfs", clientDir.toString()).requireSuccess();
            CommandResult u = qtfs(UnixUser.NOBODY, "rumount", clientDir.toString());
            assertEquals(1, u.exitCode(), u.describe());
            assertTrue(u.stderr().contains("only root may mount or unmount on the server"), u.stderr());
            assertTrue(MountTable.isMountPoint(serverDir), "still mounted");
        } finally {
            unmountOnServer(serverDir);
        }
    }

    @Test
    void mountMadeOnTheServerShowsOnTheClientAtOnceWithItsOwnDevice() throws IOException {
        Path serverDir = ScratchDir.makeDirectory(QTFS.exportDir().resolve("server-made"));
        Files.writeString(serverDir.resolve("under-the-mount"), "hidden while mounted\n");
        Path clientDir = QTFS.mountPoint().resolve("server-made");
        long exportDev = dev(QTFS.mountPoint());
        assertEquals(exportDev, dev(clientDir));
        try {
            Command.of(HostTool.MOUNT.path(), "-t", "tmpfs", "-o", "size=4m", "tmpfs", serverDir.toString()).runOk();
            Files.createDirectories(serverDir.resolve("a/b"));
            Files.writeString(serverDir.resolve("a/b/file"), "on the tmpfs\n");
            assertNotNull(Poll.until(() -> dev(clientDir) != exportDev, AT_ONCE), "the client shows the mount as its own");
            assertEquals("on the tmpfs\n", Files.readString(clientDir.resolve("a/b/file")));
            assertFalse(Files.exists(clientDir.resolve("under-the-mount")));
            assertEquals(dev(clientDir), dev(clientDir.resolve("a/b")));

            assertEquals(relative(QTFS.exportDir(), find(QTFS.exportDir(), "-xdev")),
                    relative(QTFS.mountPoint(), find(QTFS.mountPoint(), "-xdev")), "find -xdev");
            assertEquals(relative(QTFS.exportDir(), find(QTFS.exportDir())),
                    relative(QTFS.mountPoint(), find(QTFS.mountPoint())), "find");
            assertEquals(dfSizes(serverDir), dfSizes(clientDir), "df");

            // the client's own files in the mount keep it busy on the server: detach it, as for any busy mount
            Command.of(HostTool.UMOUNT.path(), "-l", serverDir.toString()).runOk();
            assertNotNull(Poll.until(() -> dev(clientDir) == exportDev, AT_ONCE), "the mount is gone on the client");
            assertEquals("hidden while mounted\n", Files.readString(clientDir.resolve("under-the-mount")));
            assertFalse(MountTable.isMountPoint(clientDir));
        } finally {
            unmountOnServer(serverDir);
        }
    }

    private static CommandResult qtfs(UnixUser user, String... args) {
        return Command.of(QtfsFixture.java("qtfs.cli.QtfsMain", args)).as(user).timeout(Duration.ofSeconds(60)).run();
    }

    private static long dev(Path path) {
        try {
            return ((Number) Files.getAttribute(path, "unix:dev")).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String find(Path root, String... options) {
        return Command.of(Stream.concat(Stream.of(HostTool.FIND.path(), root.toString()), Stream.of(options)).toList())
                .runOk().stdout();
    }

    /** find's lines with {@code root} cut off, sorted. */
    private static List<String> relative(Path root, String findOutput) {
        return findOutput.lines().map(l -> l.substring(root.toString().length())).sorted().toList();
    }

    /** df's size, used and available columns (1K blocks) for the file system of {@code path}. */
    private static List<String> dfSizes(Path path) {
        String[] lines = Command.of(HostTool.DF.path(), "-P", path.toString()).runOk().stdout().split("\n");
        String[] f = lines[lines.length - 1].trim().split("\\s+");
        return List.of(f[1], f[2], f[3]);
    }

    private static void unmountOnServer(Path serverDir) {
        MountTable.unmountLazily(serverDir);
    }
}
