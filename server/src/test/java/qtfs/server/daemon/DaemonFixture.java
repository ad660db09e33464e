package qtfs.server.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import qtfs.server.whitelist.Section;
import qtfs.transport.Address;
import qtfs.wire.FrameHeader;

/** A temporary export, whitelist and run directory, and a qtfsd serving them on a unix socket. */
final class DaemonFixture implements AutoCloseable {
    final Path root;
    final Path export;
    final Path runDir;
    final Path whitelist;
    final Address.Unix socket;
    Qtfsd daemon;
    /** No heartbeats and no grace period unless a test asks for them: a session ends with its last connection. */
    Liveness liveness = new Liveness(Duration.ZERO, Duration.ZERO);

    DaemonFixture() throws IOException {
        root = Files.createTempDirectory(Path.of("/tmp"), "qtfsd-t");
        export = Files.createDirectory(root.resolve("export"));
        runDir = root.resolve("run");
        whitelist = root.resolve("whitelist");
        socket = new Address.Unix(root.resolve("qtfsd.sock"));
        StringBuilder text = new StringBuilder();
        for (Section s : Section.values()) text.append('[').append(s.title).append("]\nPath=").append(export).append("\n");
        Files.writeString(whitelist, text);
    }

    QtfsdConfig config(int workers, int maxConnections) {
        return new QtfsdConfig(List.of(socket), whitelist, workers, maxConnections, FrameHeader.DEFAULT_MAX_FRAME_SIZE, runDir);
    }

    Qtfsd start() throws QtfsdException {
        return start(config(2, 16));
    }

    Qtfsd start(QtfsdConfig config) throws QtfsdException {
        daemon = Qtfsd.start(config, liveness);
        return daemon;
    }

    Qtfsd start(QtfsdConfig config, Duration sendTimeout) throws QtfsdException {
        daemon = Qtfsd.start(config, sendTimeout);
        return daemon;
    }

    @Override
    public void close() throws IOException {
        if (daemon != null) daemon.close();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
