package qtfs.e2e.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The descriptors a process holds open, without its O_PATH ones: qtfsd keeps an O_PATH
 * descriptor for every inode a client kernel still caches (dropped when the kernel forgets
 * it), so those follow the client's cache, not leaks. What remains are open files,
 * directories, sockets: what a workload must give back.
 */
public final class OpenDescriptors {
    private static final int O_PATH = 010000000;

    private OpenDescriptors() {
    }

    /** How many descriptors {@code pid} holds, O_PATH ones left out. */
    public static int count(long pid) {
        Path fdinfo = Path.of("/proc/" + pid + "/fdinfo");
        try (Stream<Path> entries = Files.list(fdinfo)) {
            return (int) entries.filter(entry -> !isPathOnly(entry)).count();
        } catch (IOException e) {
            throw new AssertionError("cannot list " + fdinfo + ": " + e, e);
        }
    }

    /** How many descriptors {@code pid} holds, O_PATH ones included. */
    public static int total(long pid) {
        try (Stream<Path> entries = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) entries.count();
        } catch (IOException e) {
            throw new AssertionError("cannot list the descriptors of " + pid + ": " + e, e);
        }
    }

    /** The targets of those descriptors, for failure messages. */
    public static List<String> describe(long pid) {
        Path fds = Path.of("/proc/" + pid + "/fd");
        try (Stream<Path> entries = Files.list(fds)) {
            return entries.filter(fd -> !isPathOnly(Path.of("/proc/" + pid + "/fdinfo").resolve(fd.getFileName()))).map(fd -> {
                try {
                    return fd.getFileName() + " -> " + Files.readSymbolicLink(fd);
                } catch (IOException e) {
                    return fd.getFileName() + " (closed)";
                }
            }).sorted().toList();
        } catch (IOException e) {
            return List.of("cannot list " + fds + ": " + e);
        }
    }

    private static boolean isPathOnly(Path fdinfo) {
        try {
            for (String line : Files.readAllLines(fdinfo)) {
                if (line.startsWith("flags:")) return (Integer.parseInt(line.substring(6).trim(), 8) & O_PATH) != 0;
            }
            return false;
        } catch (NoSuchFileException e) {
            return true; // closed meanwhile: not held
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until {@code pid} holds {@code baseline} descriptors again; fails naming what it still holds. */
    public static void awaitBaseline(DaemonProcess process, int baseline, java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int now;
        while ((now = count(process.pid())) != baseline) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(process.name() + " holds " + now + " descriptors (O_PATH ones aside), " + baseline
                        + " before the workload, still after " + timeout.toSeconds() + " s:\n  "
                        + String.join("\n  ", describe(process.pid())));
            }
            DaemonProcess.sleep(java.time.Duration.ofMillis(100));
        }
    }
}
