package qtfs.e2e.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A long-running program (qtfsd, a foreground qtfs mount, bindfs) whose stdout and stderr go to
 * one log file, kept for failure reports. It is registered for the JVM's last-resort cleanup
 * until it is closed.
 */
public final class DaemonProcess implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(20);

    private final String name;
    private final List<String> argv;
    private final Path log;
    private final Process process;
    private Integer exitCode;

    private DaemonProcess(String name, List<String> argv, Path log, Process process) {
        this.name = name;
        this.argv = argv;
        this.log = log;
        this.process = process;
    }

    public static DaemonProcess start(String name, List<String> argv, Path log) {
        try {
            ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().put("PATH", HostTool.SYSTEM_PATH);
            Process process = builder.start();
            DaemonProcess daemon = new DaemonProcess(name, List.copyOf(argv), log, process);
            LastResortCleanup.register(daemon);
            return daemon;
        } catch (IOException e) {
            throw new AssertionError("could not start " + name + " (" + String.join(" ", argv) + "): " + e, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "(could not read " + log + ": " + e + ")";
        }
    }

    /** Waits until the log has a line starting with prefix; fails if the process ends first or time runs out. */
    public void awaitLine(String prefix, Duration timeout) {
        awaitCondition("a line starting with '" + prefix + "'",
                () -> log().lines().anyMatch(line -> line.startsWith(prefix)), timeout);
    }

    /** Waits until condition holds while the process runs; fails with the log if it ends first or time runs out. */
    public void awaitCondition(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with code " + process.exitValue() + " before " + what
                        + "\n" + describe());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " did not show " + what + " within " + timeout.toSeconds() + " s\n"
                        + describe());
            }
            sleep(POLL);
        }
    }

    /** SIGTERM, then SIGKILL (with descendants) after grace; returns the exit code, or null if it had to be killed. */
    public Integer stop(Duration grace) {
        if (exitCode != null || !process.isAlive()) {
            LastResortCleanup.unregister(this);
            return exitCode = process.isAlive() ? null : process.exitValue();
        }
        boolean exited = ProcessTree.terminate(process.toHandle(), grace);
        if (!exited) {
            ProcessTree.kill(process.toHandle(), Duration.ofSeconds(10));
        }
        LastResortCleanup.unregister(this);
        exitCode = exited ? reaped() : null;
        return exitCode;
    }

    /** The exit code of a process seen gone: Process may learn of it a moment after ProcessHandle did. */
    private Integer reaped() {
        try {
            return process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) ? process.exitValue() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Kills at once; for cleanup after something already went wrong. */
    public void kill() {
        ProcessTree.kill(process.toHandle(), Duration.ofSeconds(10));
        LastResortCleanup.unregister(this);
    }

    /** The command and the tail of the log, for failure reports. */
    public String describe() {
        String state = process.isAlive() ? "running (pid " + process.pid() + ")" : "exited with code " + process.exitValue();
        String classPath = System.getProperty("java.class.path");
        String command = argv.stream().map(arg -> arg.equals(classPath) ? "<the tests' class path>" : arg)
                .collect(java.util.stream.Collectors.joining(" "));
        return "--- " + name + ": " + state + "\n  command: " + command + "\n  log " + log + ":\n"
                + Text.indent(Text.tail(log(), 150));
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
