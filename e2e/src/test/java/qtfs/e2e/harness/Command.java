package qtfs.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A program to run to completion, in a clean environment (system PATH, C.UTF-8, UTC), with its
 * output captured in files (so that grandchildren that keep a pipe open cannot hang the test) and
 * every wait bounded: a command that outlives its timeout is killed with all its descendants.
 */
public final class Command {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    private final List<String> argv;
    private Path directory = Path.of("/");
    private final Map<String, String> environment = new LinkedHashMap<>();
    private UnixUser user = UnixUser.ROOT;
    private Duration timeout = DEFAULT_TIMEOUT;
    private byte[] stdin = new byte[0];

    private Command(List<String> argv) {
        this.argv = List.copyOf(argv);
        environment.put("PATH", HostTool.SYSTEM_PATH);
        environment.put("LANG", "C.UTF-8");
        environment.put("LC_ALL", "C.UTF-8");
        environment.put("TZ", "UTC");
        environment.put("HOME", "/nonexistent");
    }

    public static Command of(String... argv) {
        return new Command(Arrays.asList(argv));
    }

    public static Command of(List<String> argv) {
        return new Command(argv);
    }

    public Command in(Path directory) {
        this.directory = directory;
        return this;
    }

    public Command env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    public Command as(UnixUser user) {
        this.user = user;
        return this;
    }

    public Command timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    public Command stdin(String text) {
        this.stdin = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return this;
    }

    /** Runs to completion; any exit code is returned. */
    public CommandResult run() {
        return start().await();
    }

    /** Runs to completion and fails the test unless the exit code is 0. */
    public CommandResult runOk() {
        return run().requireSuccess();
    }

    /** Starts the command; {@link Running#await()} waits for it within the timeout. */
    public Running start() {
        List<String> fullArgv = user.wrap(argv);
        try {
            Path stdout = Files.createTempFile("qtfs-e2e-cmd-", ".out");
            Path stderr = Files.createTempFile("qtfs-e2e-cmd-", ".err");
            Path input = Files.createTempFile("qtfs-e2e-cmd-", ".in");
            Files.write(input, stdin);
            ProcessBuilder builder = new ProcessBuilder(fullArgv).directory(directory.toFile())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).redirectInput(input.toFile());
            builder.environment().clear();
            builder.environment().putAll(environment);
            Process process = builder.start();
            return new Running(fullArgv, directory, process, stdout, stderr, input, timeout);
        } catch (IOException e) {
            throw new AssertionError("could not start " + String.join(" ", fullArgv) + " in " + directory + ": " + e, e);
        }
    }

    /** Waits for every command (even after one fails), then returns their results in order. */
    public static List<CommandResult> awaitAll(List<Running> commands) {
        List<CommandResult> results = new ArrayList<>();
        AssertionError first = null;
        for (Running command : commands) {
            try {
                results.add(command.await());
            } catch (AssertionError e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
        return results;
    }

    /** A started command. */
    public static final class Running {
        private final List<String> argv;
        private final Path directory;
        private final Process process;
        private final Path stdout;
        private final Path stderr;
        private final Path input;
        private final Duration timeout;

        private Running(List<String> argv, Path directory, Process process, Path stdout, Path stderr, Path input,
                Duration timeout) {
            this.argv = argv;
            this.directory = directory;
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
            this.input = input;
            this.timeout = timeout;
        }

        public CommandResult await() {
            try {
                boolean finished = process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                if (!finished) {
                    ProcessTree.kill(process.toHandle(), Duration.ofSeconds(5));
                    CommandResult partial = collect(-1);
                    throw new AssertionError("command did not finish within " + timeout.toSeconds()
                            + " s and was killed\n" + partial.describe());
                }
                return collect(process.exitValue());
            } catch (InterruptedException e) {
                ProcessTree.kill(process.toHandle(), Duration.ofSeconds(5));
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + String.join(" ", argv), e);
            }
        }

        /** Kills it with its descendants (for a command meant to run until stopped); returns what it wrote. */
        public CommandResult kill() {
            ProcessTree.kill(process.toHandle(), Duration.ofSeconds(5));
            return collect(-1);
        }

        private CommandResult collect(int exitCode) {
            try {
                CommandResult result = new CommandResult(new ArrayList<>(argv), directory, exitCode,
                        Files.readString(stdout, java.nio.charset.StandardCharsets.ISO_8859_1),
                        Files.readString(stderr, java.nio.charset.StandardCharsets.ISO_8859_1));
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
                Files.deleteIfExists(input);
                return result;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
