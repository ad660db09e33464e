package qtfs.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The calling process's view of mounts (/proc/self/mountinfo), and lazy unmounting. */
public final class MountTable {
    private MountTable() {
    }

    /** One line of mountinfo, reduced to what the tests look at. */
    public record Entry(Path mountPoint, String fsType, String source, String options) {
    }

    public static List<Entry> entries() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(MountTable::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** mountinfo: id parent major:minor root mountpoint options [optional...] - fstype source superoptions */
    private static Entry parse(String line) {
        String[] fields = line.split(" ");
        int separator = List.of(fields).indexOf("-");
        return new Entry(Path.of(unescape(fields[4])), fields[separator + 1], unescape(fields[separator + 2]),
                fields[5]);
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).chars().allMatch(Character::isDigit)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    public static Optional<Entry> find(Path mountPoint) {
        Path wanted = mountPoint.toAbsolutePath().normalize();
        return entries().stream().filter(e -> e.mountPoint().equals(wanted)).reduce((first, last) -> last);
    }

    public static boolean isMountPoint(Path path) {
        return find(path).isPresent();
    }

    public static List<Path> mountPointsUnder(Path root) {
        Path base = root.toAbsolutePath().normalize();
        return entries().stream().map(Entry::mountPoint).filter(p -> p.startsWith(base)).distinct().toList();
    }

    /** umount -l, repeated while stacked mounts remain; returns whether the path is no longer a mount point. */
    public static boolean unmountLazily(Path mountPoint) {
        for (int attempt = 0; attempt < 5 && isMountPoint(mountPoint); attempt++) {
            Command.of(HostTool.UMOUNT.path(), "-l", mountPoint.toString()).timeout(Duration.ofSeconds(30)).run();
        }
        return !isMountPoint(mountPoint);
    }
}
