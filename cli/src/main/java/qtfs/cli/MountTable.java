package qtfs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import qtfs.sys.MountInfo;

/** The mounts of this process's mount namespace, from {@code /proc/self/mountinfo}. */
public final class MountTable {
    public static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    /**
     * One mount.
     *
     * @param mountPoint where it is mounted
     * @param fsType     e.g. {@code ext4}, {@code fuse.qtfs}
     * @param source     e.g. {@code /dev/sda1}, {@code /srv/share}
     */
    public record Mount(Path mountPoint, String fsType, String source) {
        /** qtfs mounts are FUSE mounts of subtype qtfs. */
        public boolean isQtfs() {
            return fsType.equals("fuse.qtfs");
        }
    }

    private final List<Mount> mounts;

    private MountTable(List<Mount> mounts) {
        this.mounts = List.copyOf(mounts);
    }

    public static MountTable read() throws IOException {
        return parse(Files.readString(MOUNTINFO));
    }

    /** Parses mountinfo text (see proc(5)): fields up to {@code -}, then fstype, source, super options. */
    public static MountTable parse(String mountinfo) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            int dash = List.of(f).indexOf("-");
            if (f.length < 5 || dash < 6 || dash + 2 >= f.length) continue;
            mounts.add(new Mount(Path.of(unescape(f[4])), unescape(f[dash + 1]), unescape(f[dash + 2])));
        }
        return new MountTable(mounts);
    }

    public List<Mount> mounts() {
        return mounts;
    }

    /** The topmost mount at exactly {@code mountPoint}, if any. */
    public Optional<Mount> at(Path mountPoint) {
        Mount found = null;
        for (Mount m : mounts) {
            if (m.mountPoint().equals(mountPoint)) found = m;
        }
        return Optional.ofNullable(found);
    }

    /** The mount {@code path} (absolute, real) lies on: the topmost of the deepest mount points above it. */
    public Optional<Mount> containing(Path path) {
        Mount found = null;
        for (Mount m : mounts) {
            if (path.startsWith(m.mountPoint())
                    && (found == null || m.mountPoint().getNameCount() >= found.mountPoint().getNameCount())) found = m;
        }
        return Optional.ofNullable(found);
    }

    /** The kernel writes space, tab, newline and backslash as {@code \ooo} octal escapes. */
    static String unescape(String field) {
        return MountInfo.unescape(field);
    }
}
