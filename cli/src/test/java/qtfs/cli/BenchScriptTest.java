package qtfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench/run as a smoke test: its options, and a quick run on local disk that prints the table. */
class BenchScriptTest {
    static final Path BENCH = Path.of("..", "bench", "run").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    record Result(int status, String out) {
    }

    static Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(BENCH.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "bench/run did not finish");
        return new Result(p.exitValue(), out);
    }

    static boolean onPath(String tool) {
        return List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin").stream()
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    @Test
    void badArgumentsExit2NamingThem() throws Exception {
        Result r = run("--only", "local,nfs");
        assertEquals(2, r.status(), r.out());
        assertEquals("bench: unknown file system 'nfs' in --only (known: local bindfs sshfs qtfs qtfs-tcp qtfs-plain)\n", r.out());
        r = run("--fast");
        assertEquals(2, r.status());
        assertTrue(r.out().startsWith("bench: unknown argument '--fast'\n"), r.out());
        r = run("--help");
        assertEquals(0, r.status());
        for (String option : List.of("--quick", "--only", "--dir", "Example")) {
            assertTrue(r.out().contains(option), "help lacks " + option);
        }
    }

    @Test
    void aQuickLocalRunPrintsTheEnvironmentAndEveryFigureAndLeavesNothingBehind() throws Exception {
        assumeTrue(Unmounter.isRoot() && onPath("fio") && onPath("gcc"), "needs root, fio and gcc");
        Result r = run("--quick", "--only", "local", "--dir", dir.toString());
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("kernel:  Linux "), r.out());
        assertTrue(r.out().contains("CPUs:    "), r.out());
        List<String> rows = r.out().lines().filter(l -> l.matches(".*  (higher|lower)$")).toList();
        assertEquals(12, rows.size(), r.out());
        for (String row : rows) {
            // the lines with qtfs's 60 s caches have no figure for other file systems
            String figure = row.contains(", 60 s caches") ? "-" : "\\d[\\d.]*";
            assertTrue(row.matches(".*\\s" + figure + "\\s+(higher|lower)$"), "the figure for local: " + row);
        }
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "bench/run removes its temporary directory");
        }
    }
}
