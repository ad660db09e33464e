package qtfs.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Test helpers around real mounts: is something mounted here, get rid of it, clean up a tree. */
final class Mounts {
    private Mounts() {}

    static boolean isMounted(Path mountpoint) throws IOException {
        String target = " " + mountpoint.toAbsolutePath() + " ";
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/mountinfo"))) {
            return lines.anyMatch(l -> l.contains(target));
        }
    }

    /** Lazily unmounts whatever a failed test left behind. */
    static void forceUnmount(Path mountpoint) throws IOException, InterruptedException {
        if (!isMounted(mountpoint)) return;
        Process p = new ProcessBuilder("umount", "-l", mountpoint.toString()).inheritIO().start();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** Runs a command, returns its exit status; output goes to the test log. */
    static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish");
        }
        return p.exitValue();
    }
}
