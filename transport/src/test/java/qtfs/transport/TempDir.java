package qtfs.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A short, unique directory under /tmp (unix socket paths must stay under 108 bytes). */
final class TempDir implements AutoCloseable {
    final Path path;

    TempDir() throws IOException {
        path = Files.createTempDirectory(Path.of("/tmp"), "qtfs-t");
    }

    Path resolve(String name) {
        return path.resolve(name);
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
