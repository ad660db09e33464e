package qtfs.e2e.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The life cycle shared by every mount the tests use, as a JUnit extension (register it on a
 * static field with {@code @RegisterExtension}) or as a plain object ({@link #start()},
 * {@link #close()}). It owns a scratch directory, the daemons it starts and the mount points;
 * teardown always unmounts lazily, stops every daemon (killing it if it does not stop), and
 * removes the scratch directory, whatever happened before. Failing tests get the daemons' logs.
 */
public abstract class MountFixture implements MountedFileSystem, AutoCloseable, BeforeAllCallback, AfterAllCallback,
        TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    protected static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    protected static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final List<DaemonProcess> daemons = new ArrayList<>();
    private final List<Path> mountPoints = new ArrayList<>();
    private final List<String> teardownProblems = new ArrayList<>();
    private ScratchDir scratch;
    private Path localDir;

    /** Starts the daemons and mounts, given a fresh scratch directory. */
    protected abstract void startIn(ScratchDir scratch);

    public final synchronized void start() {
        if (scratch != null) {
            throw new IllegalStateException(name() + " fixture already started");
        }
        scratch = ScratchDir.create("qtfs-e2e-" + name() + "-");
        localDir = scratch.newDirectory("local");
        try {
            startIn(scratch);
        } catch (AssertionError e) {
            close();
            throw e;
        } catch (RuntimeException e) {
            String logs = diagnostics();
            close();
            throw new AssertionError("could not start " + name() + ": " + e + "\n" + logs, e);
        }
    }

    protected final DaemonProcess startDaemon(String name, List<String> argv) {
        DaemonProcess daemon = DaemonProcess.start(name, argv,
                scratch.newDirectory("logs").resolve(name.replaceAll("[^A-Za-z0-9.-]", "_") + ".log"));
        daemons.add(daemon);
        return daemon;
    }

    /** Waits until mountPoint shows in /proc/self/mountinfo while the daemon serving it runs. */
    protected final void awaitMount(DaemonProcess daemon, Path mountPoint) {
        ownMount(mountPoint);
        daemon.awaitCondition("the mount on " + mountPoint + " in /proc/self/mountinfo",
                () -> MountTable.isMountPoint(mountPoint), START_TIMEOUT);
    }

    /** Makes mountPoint (mounted by the fixture) one it unmounts at teardown, whatever happens. */
    protected final void ownMount(Path mountPoint) {
        mountPoints.add(mountPoint);
        LastResortCleanup.register(mountPoint);
    }

    /** Teardown of what a fixture made besides daemons and mounts (network namespaces...); runs even after a failed start. */
    protected void afterDaemonsStopped() {
    }

    public final ScratchDir scratch() {
        return scratch;
    }

    @Override
    public final Path localDir() {
        return localDir;
    }

    protected final List<DaemonProcess> daemons() {
        return daemons;
    }

    @Override
    public String diagnostics() {
        StringBuilder text = new StringBuilder();
        for (DaemonProcess daemon : daemons) {
            text.append(daemon.describe());
        }
        return text.isEmpty() ? "(no daemon started)\n" : text.toString();
    }

    /** What went wrong while tearing down (also printed to stderr); empty when all went to plan. */
    public final List<String> teardownProblems() {
        return List.copyOf(teardownProblems);
    }

    @Override
    public final synchronized void close() {
        if (scratch == null) {
            return;
        }
        for (Path mountPoint : mountPoints) {
            if (!MountTable.unmountLazily(mountPoint)) {
                problem("could not unmount " + mountPoint);
            }
            LastResortCleanup.unregister(mountPoint);
        }
        for (DaemonProcess daemon : daemons.reversed()) {
            Integer exit = daemon.stop(STOP_GRACE);
            if (exit == null) {
                problem(daemon.name() + " did not exit within " + STOP_GRACE.toSeconds() + " s of SIGTERM and was killed");
            }
        }
        try {
            afterDaemonsStopped();
        } catch (RuntimeException | AssertionError e) {
            problem(String.valueOf(e.getMessage()));
        }
        try {
            scratch.close();
        } catch (RuntimeException e) {
            problem(e.getMessage());
        }
        scratch = null;
        mountPoints.clear();
    }

    private void problem(String text) {
        teardownProblems.add(text);
        System.err.println(name() + " fixture teardown: " + text);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw FailureDiagnostics.attach(throwable, diagnostics());
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw FailureDiagnostics.attach(throwable, diagnostics());
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw FailureDiagnostics.attach(throwable, diagnostics());
    }
}
