package qtfs.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * A fresh directory under /tmp, unique per fixture, that every test user may traverse. It is
 * removed on close with `rm -rf --one-file-system` (which copes with trees deeper than PATH_MAX),
 * but never while something is still mounted beneath it.
 */
public final class ScratchDir implements AutoCloseable {
    private final Path root;

    private ScratchDir(Path root) {
        this.root = root;
    }

    public static ScratchDir create(String prefix) {
        try {
            Path root = Files.createTempDirectory(Path.of("/tmp"), prefix).toRealPath();
            open(root);
            ScratchDir scratch = new ScratchDir(root);
            LastResortCleanup.register(scratch);
            return scratch;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path path() {
        return root;
    }

    /** A new directory with mode 0755 (parents too). */
    public Path newDirectory(String relative) {
        return makeDirectory(root.resolve(relative));
    }

    public static Path makeDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
            open(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + dir, e);
        }
    }

    private static void open(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Override
    public void close() {
        List<Path> stillMounted = MountTable.mountPointsUnder(root);
        if (!stillMounted.isEmpty()) {
            throw new IllegalStateException("left " + root + " in place: still mounted beneath it: " + stillMounted);
        }
        Command.of(HostTool.RM.path(), "-rf", "--one-file-system", root.toString()).timeout(Duration.ofSeconds(120))
                .runOk();
        LastResortCleanup.unregister(this);
    }
}
