package qtfs.e2e.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** The threads of another JVM, from a jcmd thread dump. */
public final class JavaThreads {
    private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");

    private JavaThreads() {
    }

    /**
     * The stacks (name line first) of the threads of JVM {@code pid} whose name starts with
     * {@code namePrefix} and whose stack passes through a frame containing {@code frame}.
     */
    public static List<String> inFrame(long pid, String namePrefix, String frame) {
        String dump = Command.of(JCMD.toString(), Long.toString(pid), "Thread.print").timeout(Duration.ofSeconds(60)).runOk().stdout();
        // one block per thread, blank lines between them
        return Arrays.stream(dump.split("\n\\s*\n"))
                .map(String::strip)
                .filter(block -> block.startsWith("\"" + namePrefix) && block.contains(frame))
                .toList();
    }
}
