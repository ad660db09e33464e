package qtfs.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import qtfs.server.whitelist.Section;

/**
 * qtfs as a user runs it: a real {@code qtfsd} process serving one or more export directories
 * (a whitelist allowing every section on them), and one real foreground {@code qtfs mount}
 * process per export, over a unix socket. Both are started with this JVM's java and class path.
 */
public final class QtfsFixture extends MountFixture {
    static final String DAEMON_MAIN = "qtfs.cli.QtfsdMain";
    static final String CLIENT_MAIN = "qtfs.cli.QtfsMain";

    private final int exportCount;
    private final int clientsPerExport;
    private final Duration attributeTimeout;
    private final List<Mount> mounts = new ArrayList<>();
    private DaemonProcess server;
    private Path socket;
    private Path whitelist;
    /** Directories (relative to each export) where clients may mount on the server. */
    private List<String> remoteMountDirs = List.of();

    private QtfsFixture(int exportCount, int clientsPerExport, Duration attributeTimeout) {
        this.exportCount = exportCount;
        this.clientsPerExport = clientsPerExport;
        this.attributeTimeout = attributeTimeout;
    }

    /** One export, attribute and entry timeouts of 1 s. */
    public static QtfsFixture singleExport() {
        return new QtfsFixture(1, 1, Duration.ofSeconds(1));
    }

    /** Several exports, each mounted on its own mount point by its own client. */
    public static QtfsFixture exports(int count) {
        return new QtfsFixture(count, 1, Duration.ofSeconds(1));
    }

    /**
     * One export mounted by {@code clients} clients (mounts 0, 1...), each with attribute and
     * entry timeouts of {@code cacheTimeout} (whole seconds).
     */
    public static QtfsFixture sharedExport(int clients, Duration cacheTimeout) {
        return new QtfsFixture(1, clients, cacheTimeout);
    }

    /**
     * Lets clients mount on the server (qtfs rmount) in these directories of each export:
     * they are created and named in [Mount]. Call before the fixture starts.
     */
    public QtfsFixture allowingRemoteMountsIn(String... relativeDirs) {
        remoteMountDirs = List.of(relativeDirs);
        return this;
    }

    /** One mount of qtfs, as a {@link MountedFileSystem}. */
    public record Mount(int index, Path mountPoint, Path exportDir, Path localDir, Duration attributeTimeout,
            DaemonProcess client, QtfsFixture fixture) implements MountedFileSystem {
        @Override
        public String name() {
            return "qtfs";
        }

        @Override
        public String diagnostics() {
            return fixture.diagnostics();
        }
    }

    @Override
    public String name() {
        return "qtfs";
    }

    @Override
    protected void startIn(ScratchDir scratch) {
        requireOnClassPath(DAEMON_MAIN);
        requireOnClassPath(CLIENT_MAIN);
        List<Path> exports = new ArrayList<>();
        for (int i = 0; i < exportCount; i++) {
            exports.add(scratch.newDirectory("export-" + i));
        }
        socket = scratch.path().resolve("qtfsd.sock");
        List<Path> mountDirs = new ArrayList<>(exports);
        for (Path export : exports) {
            for (String dir : remoteMountDirs) mountDirs.add(ScratchDir.makeDirectory(export.resolve(dir)));
        }
        whitelist = writeWhitelist(scratch.path().resolve("whitelist"), exports, mountDirs);
        Path runDir = scratch.newDirectory("run");
        server = startDaemon("qtfsd", java(DAEMON_MAIN, "--listen", "unix:" + socket, "--whitelist",
                whitelist.toString(), "--run-dir", runDir.toString()));
        server.awaitLine("qtfsd: ready", START_TIMEOUT);
        for (int e = 0; e < exportCount * clientsPerExport; e++) {
            int i = mounts.size();
            Path export = exports.get(e / clientsPerExport);
            Path mountPoint = scratch.newDirectory("mnt-" + i);
            long seconds = attributeTimeout.toSeconds();
            // fifo=local: the probes compare file types with a local directory, where a FIFO is a
            // FIFO; FIFOs served as stream files (shown as regular files) are QtfsFifoTest's
            DaemonProcess client = startDaemon("qtfs-mount-" + i, java(CLIENT_MAIN, "mount", "-f", "-o",
                    "server=unix:" + socket + ",allow_other,fifo=local,attr_timeout=" + seconds + ",entry_timeout=" + seconds,
                    export.toString(), mountPoint.toString()));
            awaitMount(client, mountPoint);
            mounts.add(new Mount(i, mountPoint, export, localDir(), attributeTimeout, client, this));
        }
    }

    /** [Section] Path=a;b for every section, so that nothing on the exports is refused. */
    public static Path writeWhitelist(Path file, List<Path> exports) {
        return writeWhitelist(file, exports, exports);
    }

    /** [Section] Path=a;b for every section, so that nothing on the exports is refused; [Mount] also names {@code mountDirs}. */
    private static Path writeWhitelist(Path file, List<Path> exports, List<Path> mountDirs) {
        StringBuilder text = new StringBuilder();
        for (Section section : Section.values()) {
            List<Path> paths = section == Section.MOUNT ? mountDirs : exports;
            text.append('[').append(section.title).append("]\nPath=")
                    .append(paths.stream().map(Path::toString).collect(Collectors.joining(";"))).append("\n\n");
        }
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This JVM's java, with its class path, running mainClass. */
    public static List<String> java(String mainClass, String... args) {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new AssertionError("cannot tell which java runs the tests"));
        List<String> argv = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), mainClass));
        argv.addAll(List.of(args));
        return argv;
    }

    private static void requireOnClassPath(String mainClass) {
        try {
            Class.forName(mainClass, false, QtfsFixture.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError("the main class " + mainClass + " is not on the test class path: the cli module"
                    + " must provide it before qtfs can be tested end to end", e);
        }
    }

    public Mount mount(int index) {
        return mounts.get(index);
    }

    public DaemonProcess server() {
        return server;
    }

    public Path socket() {
        return socket;
    }

    public Path whitelist() {
        return whitelist;
    }

    @Override
    public Path mountPoint() {
        return mount(0).mountPoint();
    }

    @Override
    public Path exportDir() {
        return mount(0).exportDir();
    }

    @Override
    public Duration attributeTimeout() {
        return attributeTimeout;
    }
}
