package qtfs.fuse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import qtfs.sys.MountInfo;

/**
 * Reads /proc/self/mountinfo. This never touches a mounted file system, so it is safe even
 * for the threads that serve one.
 */
final class MountTable {
    private MountTable() {}

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    static List<MountEntry> read() throws IOException {
        try (InputStream in = Files.newInputStream(MOUNTINFO)) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** The mounts at {@code mountPoint}, the most recent (the visible one) last. */
    static List<MountEntry> at(List<MountEntry> mounts, String mountPoint) {
        return mounts.stream().filter(m -> m.mountPoint().equals(mountPoint)).toList();
    }

    /** The visible mount at {@code mountPoint}, if anything is mounted there. */
    static Optional<MountEntry> topmostAt(List<MountEntry> mounts, String mountPoint) {
        List<MountEntry> here = at(mounts, mountPoint);
        return here.isEmpty() ? Optional.empty() : Optional.of(here.getLast());
    }

    /**
     * Parses mountinfo lines: {@code ID PARENT MAJOR:MINOR ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS}.
     * Lines that do not have this shape are skipped.
     */
    static List<MountEntry> parse(String text) {
        List<MountEntry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.split(" ");
            int separator = List.of(f).indexOf("-");
            if (f.length < 6 || separator < 6 || separator + 2 >= f.length) continue;
            String[] device = f[2].split(":");
            if (device.length != 2) continue;
            try {
                entries.add(new MountEntry(Integer.parseInt(f[0]), Integer.parseInt(device[0]), Integer.parseInt(device[1]),
                        unescape(f[4]), f[5], unescape(f[separator + 1]), unescape(f[separator + 2])));
            } catch (NumberFormatException e) {
                // not a mountinfo line
            }
        }
        return entries;
    }

    /** The kernel writes space, tab, newline and backslash as {@code \ooo} octal escapes. */
    static String unescape(String field) {
        return MountInfo.unescape(field);
    }
}
