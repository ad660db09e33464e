package qtfs.e2e.harness;

import java.nio.file.Path;
import java.util.List;

/** What a finished command did: enough to explain a failure without re-running it. */
public record CommandResult(List<String> argv, Path directory, int exitCode, String stdout, String stderr) {

    public CommandResult requireSuccess() {
        if (exitCode != 0) {
            throw new AssertionError("command failed with exit code " + exitCode + "\n" + describe());
        }
        return this;
    }

    public String describe() {
        return "  command: " + String.join(" ", argv) + "\n  in: " + directory + "\n  exit code: " + exitCode
                + "\n  stdout:\n" + Text.indent(Text.tail(stdout, 80)) + "  stderr:\n" + Text.indent(Text.tail(stderr, 80));
    }
}
