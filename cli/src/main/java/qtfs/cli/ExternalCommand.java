package qtfs.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;

/** Runs a system program (umount, fusermount3, setsid) with a time bound. */
public final class ExternalCommand {

    /**
     * How a program ended.
     *
     * @param exitCode its exit status
     * @param output   standard output and standard error together, trimmed
     */
    public record Result(int exitCode, String output) {
    }

    private ExternalCommand() {
    }

    /** Runs {@code command} to completion; kills it and fails after {@code timeout}. */
    public static Result run(List<String> command, Duration timeout) throws CommandFailedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new CommandFailedException("cannot run " + command.getFirst() + ": " + e.getMessage());
        }
        // read on another thread so that a hung program cannot hold us past the time bound
        CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
            try {
                return process.getInputStream().readAllBytes();
            } catch (IOException e) {
                return ("(cannot read its output: " + e.getMessage() + ")").getBytes(StandardCharsets.UTF_8);
            }
        }, runnable -> Thread.ofVirtual().start(runnable));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new CommandFailedException(String.join(" ", command) + " did not finish within "
                        + timeout.toSeconds() + " s");
            }
            byte[] text = output.get(5, TimeUnit.SECONDS);
            return new Result(process.exitValue(), new String(text, StandardCharsets.UTF_8).strip());
        } catch (ExecutionException | TimeoutException e) {
            // a child of the program may still hold the pipe open: report without the output
            return new Result(process.exitValue(), "");
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CommandFailedException(String.join(" ", command) + " was interrupted");
        }
    }

    /** The first executable file named {@code name} in {@code $PATH} or the system directories. */
    public static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin:/sbin:/bin";
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }
}
