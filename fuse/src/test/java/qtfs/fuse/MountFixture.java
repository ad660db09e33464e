package qtfs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A fresh directory under /tmp per test, the sessions mounted in it, and a cleanup that
 * leaves nothing mounted even when the test failed half-way.
 */
final class MountFixture {
    static final String SUBTYPE = "qtfstest";
    static final String SOURCE = "qtfs-test:/hello";

    final Path root;
    private final List<FuseSession> sessions = new ArrayList<>();
    private static final Path FUSECTL = Path.of("/sys/fs/fuse/connections");
    private boolean mountedFusectl;

    MountFixture() throws IOException {
        root = Files.createTempDirectory(Path.of("/tmp"), "qtfs-fuse-test-");
    }

    Path directory(String name) throws IOException {
        return Files.createDirectory(root.resolve(name));
    }

    static FuseMountOptions options(Path mountpoint, int threads, long initFlags) {
        return new FuseMountOptions(mountpoint, SOURCE, SUBTYPE, threads, 1 << 20, false, false, initFlags);
    }

    /** Flags for tests that list directories with plain READDIR. */
    static long flagsWithoutReaddirplus() {
        return FuseSession.DEFAULT_INIT_FLAGS & ~(qtfs.fuse.proto.InitFlags.DO_READDIRPLUS
                | qtfs.fuse.proto.InitFlags.READDIRPLUS_AUTO);
    }

    FuseSession track(FuseSession session) {
        sessions.add(session);
        return session;
    }

    static boolean isMounted(Path mountpoint) throws IOException {
        return MountTable.read().stream().anyMatch(m -> m.mountPoint().equals(mountpoint.toString()));
    }

    static MountEntry mountAt(Path mountpoint) throws IOException {
        return MountTable.topmostAt(MountTable.read(), mountpoint.toString()).orElseThrow();
    }

    static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor();
    }

    /** Makes sure fusectl is mounted (to abort FUSE connections); unmounts it again on close if it was not. */
    void requireFusectl() throws IOException, InterruptedException {
        if (MountTable.read().stream().anyMatch(m -> m.fsType().equals("fusectl"))) return;
        if (run("mount", "-t", "fusectl", "fusectl", FUSECTL.toString()) != 0) {
            throw new IllegalStateException("cannot mount fusectl on " + FUSECTL);
        }
        mountedFusectl = true;
    }

    void cleanUp() throws IOException, InterruptedException {
        for (FuseSession s : sessions) {
            try {
                s.close();
            } catch (RuntimeException e) {
                e.printStackTrace();
            }
        }
        // Whatever is still mounted under our directory (a test that failed early): lazily unmount, deepest first.
        List<String> leftovers = MountTable.read().stream().map(MountEntry::mountPoint)
                .filter(p -> p.startsWith(root + "/")).sorted(Comparator.reverseOrder()).toList();
        for (String mountpoint : leftovers) run("umount", "-l", mountpoint);
        if (mountedFusectl) run("umount", FUSECTL.toString());
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            System.err.println("cannot remove " + root + ": " + e);
        }
    }
}
