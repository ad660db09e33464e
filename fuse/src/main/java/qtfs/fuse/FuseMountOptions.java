package qtfs.fuse;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to mount a FUSE file system.
 *
 * @param mountpoint      an existing directory that is not a mount point yet
 * @param source          what {@code /proc/self/mountinfo} shows as the mount source, e.g. {@code host:/srv}
 * @param subtype         the part after {@code fuse.} in the file-system type, e.g. {@code qtfs}
 * @param threads         how many platform threads read requests from {@code /dev/fuse}
 * @param maxWrite        largest WRITE payload the kernel may send (bytes; a multiple of 4096, 4 KiB to 16 MiB)
 * @param allowOther      let users other than the mounting one access the file system
 * @param readOnly        mount read-only
 * @param wantedInitFlags the {@link qtfs.fuse.proto.InitFlags} to ask for; the kernel's offer limits them
 */
public record FuseMountOptions(Path mountpoint, String source, String subtype, int threads,
        int maxWrite, boolean allowOther, boolean readOnly, long wantedInitFlags) {

    public FuseMountOptions {
        Objects.requireNonNull(mountpoint, "mountpoint");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(subtype, "subtype");
        if (threads < 1) throw new IllegalArgumentException("FUSE threads must be at least 1, not " + threads);
        if (maxWrite < 4096 || maxWrite > 16 << 20 || maxWrite % 4096 != 0) {
            throw new IllegalArgumentException("FUSE max_write must be a multiple of 4096 between 4 KiB and 16 MiB, not " + maxWrite);
        }
        if (subtype.isEmpty() || !subtype.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("FUSE subtype must be letters, digits, '.', '_' or '-', not '" + subtype + "'");
        }
        if (source.isEmpty() || source.contains(",") || source.chars().anyMatch(Character::isWhitespace)) {
            // mount(8) and fusermount3 pass the source inside a comma-separated option string
            throw new IllegalArgumentException("FUSE source must be non-empty without commas or blanks, not '" + source + "'");
        }
    }
}
