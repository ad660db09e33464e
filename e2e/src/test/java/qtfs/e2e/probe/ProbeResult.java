package qtfs.e2e.probe;

import java.nio.file.Path;
import java.util.List;

/** The lines a probe printed in one directory, and how it ended. */
public record ProbeResult(Path directory, List<String> lines, String stderr, int exitCode) {
}
