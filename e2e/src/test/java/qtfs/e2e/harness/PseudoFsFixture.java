package qtfs.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * qtfs serving the server's pseudo file systems ({@code /proc}, {@code /sys}, the cgroup tree)
 * as a user sets it up: a real {@code qtfsd} with the given whitelist, optionally in a PID
 * namespace of its own ({@code unshare -p -f --mount-proc}, with a marker process
 * {@code sleep 86399} beside it), and one foreground {@code qtfs mount} per export. For proc
 * mode the fixture mounts a proc of the test's own PID namespace in the scratch directory
 * ({@link #localProc()}). Everything is unmounted and stopped at the end.
 */
public final class PseudoFsFixture extends MountFixture {
    /** The argument of the marker process that runs beside a qtfsd in its own PID namespace. */
    public static final String SERVER_MARKER = "86399";

    /** One mount: a server path on a mount point (relative to the scratch directory) with extra options. */
    private record Export(String serverPath, String mountPoint, String options) {}

    private final String whitelist;
    private final boolean ownPidNamespace;
    private final List<Export> exports = new ArrayList<>();
    private final Map<String, Path> mountPoints = new LinkedHashMap<>();
    private DaemonProcess server;
    private Path socket;
    private Path localProc;

    private PseudoFsFixture(String whitelist, boolean ownPidNamespace) {
        this.whitelist = whitelist;
        this.ownPidNamespace = ownPidNamespace;
    }

    /** A qtfsd on this host with {@code whitelist} (the file's text). */
    public static PseudoFsFixture onHost(String whitelist) {
        return new PseudoFsFixture(whitelist, false);
    }

    /** A qtfsd in a PID namespace (and mount namespace, with its own /proc) of its own. */
    public static PseudoFsFixture inOwnPidNamespace(String whitelist) {
        return new PseudoFsFixture(whitelist, true);
    }

    /**
     * Mounts {@code serverPath} on {@code mountPoint} (relative to the scratch directory), with
     * {@code options} added to the -o list; {@code LOCAL_PROC} in them stands for {@link #localProc()}.
     */
    public PseudoFsFixture export(String serverPath, String mountPoint, String options) {
        exports.add(new Export(serverPath, mountPoint, options));
        return this;
    }

    @Override
    public String name() {
        return "qtfs-pseudo";
    }

    @Override
    protected void startIn(ScratchDir scratch) {
        socket = scratch.path().resolve("qtfsd.sock");
        Path whitelistFile = scratch.path().resolve("whitelist");
        try {
            Files.writeString(whitelistFile, whitelist);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> argv = new ArrayList<>();
        if (ownPidNamespace) {
            argv.addAll(List.of("unshare", "-p", "-f", "--mount-proc", "--kill-child=SIGTERM",
                    "sh", "-c", "sleep " + SERVER_MARKER + " & exec \"$@\"", "qtfsd-in-pid-namespace"));
        }
        argv.addAll(QtfsFixture.java(QtfsFixture.DAEMON_MAIN, "--listen", "unix:" + socket, "--whitelist",
                whitelistFile.toString(), "--run-dir", scratch.newDirectory("run").toString()));
        // started apart from the mounts' daemons: it is stopped after them, by stopServer()
        server = DaemonProcess.start("qtfsd", argv, scratch.newDirectory("logs").resolve("qtfsd.log"));
        try {
            server.awaitLine("qtfsd: ready", START_TIMEOUT);
            mountAll(scratch);
        } catch (RuntimeException | AssertionError e) {
            stopServer();
            throw e;
        }
    }

    private void mountAll(ScratchDir scratch) {
        if (exports.stream().anyMatch(e -> e.options().contains("LOCAL_PROC"))) {
            localProc = scratch.newDirectory("local_proc");
            Command.of("mount", "-t", "proc", "proc", localProc.toString()).runOk();
            ownMount(localProc);
        }
        for (Export export : exports) {
            Path mountPoint = scratch.newDirectory(export.mountPoint());
            String options = "server=unix:" + socket + ",attr_timeout=1,entry_timeout=1"
                    + (export.options().isEmpty() ? "" : "," + export.options().replace("LOCAL_PROC", String.valueOf(localProc)));
            DaemonProcess client = startDaemon("qtfs-mount-" + export.mountPoint(), QtfsFixture.java(QtfsFixture.CLIENT_MAIN,
                    "mount", "-f", "-o", options, export.serverPath(), mountPoint.toString()));
            awaitMount(client, mountPoint);
            mountPoints.put(export.mountPoint(), mountPoint);
        }
    }

    /** The mount point given as {@code relative} to {@link #export}. */
    public Path mount(String relative) {
        return Optional.ofNullable(mountPoints.get(relative))
                .orElseThrow(() -> new IllegalArgumentException("no mount on " + relative));
    }

    /** Where the fixture mounted the test's own proc, for proc mode. */
    public Path localProc() {
        return localProc;
    }

    public Path socket() {
        return socket;
    }

    /** The qtfsd process (as the test's PID namespace numbers it): in a PID namespace, the child of unshare. */
    public ProcessHandle serverProcess() {
        if (server == null) throw new IllegalStateException("qtfsd is not running");
        ProcessHandle launcher = ProcessHandle.of(server.pid()).orElseThrow(() -> new AssertionError("qtfsd is gone"));
        return ownPidNamespace ? launcher.children().findFirst().orElseThrow(() -> new AssertionError("qtfsd is gone"))
                : launcher;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            super.afterAll(context);
        } finally {
            stopServer();
        }
    }

    /**
     * unshare blocks SIGTERM while its child runs: qtfsd, the namespace's init, gets the SIGTERM
     * itself, and unshare ends with it.
     */
    private void stopServer() {
        if (server == null) return;
        if (ownPidNamespace && server.isAlive()) {
            ProcessHandle.of(server.pid()).flatMap(p -> p.children().findFirst()).ifPresent(ProcessHandle::destroy);
        }
        if (server.stop(STOP_GRACE) == null) System.err.println("qtfsd did not stop within " + STOP_GRACE + " and was killed");
        server = null;
    }

    @Override
    public String diagnostics() {
        return (server != null ? server.describe() : "") + super.diagnostics();
    }

    @Override
    public Path mountPoint() {
        return mountPoints.values().iterator().next();
    }

    @Override
    public Path exportDir() {
        return Path.of(exports.get(0).serverPath());
    }

    @Override
    public Duration attributeTimeout() {
        return Duration.ofSeconds(1);
    }
}
