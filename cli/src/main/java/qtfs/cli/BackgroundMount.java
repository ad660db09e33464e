package qtfs.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code qtfs mount} without {@code -f}: starts the same program with {@code -f} as a
 * detached child in a new session (so that closing the terminal or Ctrl-C does not take
 * the mount down), standard error to a log file, and returns once the child prints its
 * ready line. If the child exits first, its error is shown and the mount fails.
 */
public final class BackgroundMount {
    static final Path DEFAULT_LOG_DIR = Path.of("/run/qtfs");
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_ERROR_LINES = 40;

    /**
     * A started mount daemon.
     *
     * @param pid     its process id
     * @param logFile where it logs
     */
    public record Started(long pid, Path logFile) {
    }

    private BackgroundMount() {
    }

    public static Started start(MountSettings settings) throws CommandFailedException {
        Path log = settings.logFile().orElseGet(() -> defaultLogFile(settings.client().mountpoint()));
        long logStart = prepareLog(log);
        // in "/", so that the daemon keeps no directory busy (it would block unmounting it)
        ProcessBuilder pb = new ProcessBuilder(childCommand(settings)).directory(Path.of("/").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // If this command is stopped (Ctrl-C, SIGTERM) before the mount is live, it takes the
        // daemon along. The hook is in place before the daemon starts, and waits for the start
        // to finish, so that no signal can fall between the two.
        Object starting = new Object();
        AtomicReference<Process> started = new AtomicReference<>();
        AtomicBoolean handedOver = new AtomicBoolean();
        Thread abandon = new Thread(() -> {
            synchronized (starting) {
                Process p = started.get();
                if (p != null && !handedOver.get()) stop(p);
            }
        }, "qtfs-mount-abandon");
        Runtime.getRuntime().addShutdownHook(abandon);
        Process child;
        try {
            synchronized (starting) {
                child = pb.start();
                started.set(child);
            }
        } catch (IOException e) {
            removeHook(abandon);
            throw new CommandFailedException("cannot start the mount daemon: " + e.getMessage());
        }
        String ready = ForegroundMount.readyLine(settings.client());
        CompletableFuture<Boolean> sawReady = CompletableFuture.supplyAsync(() -> readUntil(child, ready),
                runnable -> Thread.ofVirtual().start(runnable));
        boolean live;
        try {
            live = sawReady.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            handedOver.set(live);
        } catch (TimeoutException e) {
            stop(child);
            throw new CommandFailedException("the mount of " + settings.client().serverPath() + " on "
                    + settings.client().mountpoint() + " did not become ready within " + READY_TIMEOUT.toSeconds()
                    + " s; stopped it. Its log: " + log);
        } catch (InterruptedException e) {
            stop(child);
            Thread.currentThread().interrupt();
            throw new CommandFailedException("interrupted while waiting for the mount; stopped it");
        } catch (ExecutionException e) {
            live = false;
        } finally {
            removeHook(abandon);
        }
        if (live) return new Started(child.pid(), log);
        int status = waitForExit(child);
        String errors = readFrom(log, logStart);
        throw new CommandFailedException(failureMessage(errors, status, log));
    }

    /** The child's last words: its one-line error if it printed one, else its log's tail. */
    static String failureMessage(String errors, int status, Path log) {
        if (errors.isEmpty()) {
            return "the mount daemon exited with status " + status + " before the mount was live; see " + log;
        }
        List<String> lines = errors.lines().toList();
        String last = lines.getLast();
        // the child's own "qtfs: " prefix would be doubled by the caller's
        if (last.startsWith("qtfs: ")) {
            String message = last.substring("qtfs: ".length());
            return lines.size() == 1 ? message : message + " (log: " + log + ")";
        }
        return "the mount daemon exited with status " + status + " before the mount was live:\n" + errors;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already: the hook runs and decides for itself
        }
    }

    /** The same Java, class path and JVM options, running {@code qtfs mount -f}. */
    static List<String> childCommand(MountSettings settings) {
        List<String> command = new ArrayList<>();
        ExternalCommand.find("setsid").ifPresent(setsid -> command.add(setsid.toString()));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments();
        command.addAll(jvmOptions);
        if (jvmOptions.stream().noneMatch(o -> o.startsWith("--enable-native-access"))) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(QtfsMain.class.getName());
        command.addAll(List.of("mount", "-f", "-o", settings.optionString(), "--",
                settings.client().serverPath(), settings.client().mountpoint().toString()));
        return command;
    }

    private static boolean readUntil(Process child, String ready) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals(ready)) return true;
            }
        } catch (IOException e) {
            // the child closed its end: it died; the caller reads why from the log
        }
        return false;
    }

    private static int waitForExit(Process child) {
        try {
            if (child.waitFor(10, TimeUnit.SECONDS)) return child.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop(child);
        return -1;
    }

    /** SIGTERM, time for the daemon to cancel its mount attempt cleanly, then SIGKILL. */
    private static void stop(Process child) {
        child.destroy();
        try {
            if (!child.waitFor(ForegroundMount.CANCEL_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS)) child.destroyForcibly();
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Creates the log's directory; returns the log's current size, where this run's output starts. */
    private static long prepareLog(Path log) throws CommandFailedException {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            throw new CommandFailedException("cannot create the log file " + log + ": " + e.getMessage()
                    + " (choose another with -o log=FILE)");
        }
    }

    /** The last lines written to {@code log} since {@code offset}. */
    private static String readFrom(Path log, long offset) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long length = f.length();
            long from = Math.max(offset, length - 64 * 1024);
            byte[] bytes = new byte[(int) (length - from)];
            f.seek(from);
            f.readFully(bytes);
            List<String> lines = new String(bytes, StandardCharsets.UTF_8).strip().lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - MAX_ERROR_LINES), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** {@code /run/qtfs/mount-srv-share.log} for {@code /srv/share}; the tmp dir if /run/qtfs is not writable. */
    static Path defaultLogFile(Path mountpoint) {
        String name = "mount-" + escape(mountpoint.toString()) + ".log";
        Path dir = DEFAULT_LOG_DIR;
        try {
            Files.createDirectories(dir);
            if (!Files.isWritable(dir)) dir = Path.of(System.getProperty("java.io.tmpdir"));
        } catch (IOException e) {
            dir = Path.of(System.getProperty("java.io.tmpdir"));
        }
        return dir.resolve(name);
    }

    /**
     * A path as one file name, as systemd-escape --path does: {@code /mnt/a b} becomes
     * {@code mnt-a\x20b}; characters other than letters, digits, {@code :_.} are hex-escaped.
     */
    static String escape(String path) {
        String trimmed = path.replaceAll("^/+|/+$", "");
        if (trimmed.isEmpty()) return "-";
        StringBuilder out = new StringBuilder();
        byte[] bytes = trimmed.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if (b == '/') {
                out.append('-');
            } else if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                    || b == ':' || b == '_' || (b == '.' && i > 0)) {
                out.append((char) b);
            } else {
                out.append(String.format("\\x%02x", b));
            }
        }
        return out.toString();
    }
}
