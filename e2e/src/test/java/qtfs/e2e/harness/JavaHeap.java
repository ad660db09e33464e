package qtfs.e2e.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The heap of another JVM, measured with jcmd after a full collection. */
public final class JavaHeap {
    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");

    private JavaHeap() {
    }

    /** Bytes of heap in use in JVM {@code pid} right after a full GC. */
    public static long usedAfterGc(long pid) {
        Command.of(JCMD.toString(), Long.toString(pid), "GC.run").timeout(Duration.ofSeconds(60)).runOk();
        CommandResult info = Command.of(JCMD.toString(), Long.toString(pid), "GC.heap_info").timeout(Duration.ofSeconds(60)).runOk();
        Matcher used = USED.matcher(info.stdout());
        if (!used.find()) throw new AssertionError("no heap figure in jcmd GC.heap_info:\n" + info.describe());
        return Long.parseLong(used.group(1)) << 10;
    }
}
