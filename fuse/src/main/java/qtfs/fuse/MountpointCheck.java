package qtfs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;

/**
 * Checks a mountpoint before mounting, so that the user hears what is wrong with it in words
 * rather than an errno from mount(2) or fusermount3.
 */
final class MountpointCheck {
    private MountpointCheck() {}

    /** Returns the mountpoint's canonical path (symbolic links resolved), or says why it cannot be used. */
    static Path check(Path mountpoint) throws FuseMountException {
        Path absolute = mountpoint.toAbsolutePath().normalize();
        List<MountEntry> mounts;
        try {
            mounts = MountTable.read();
        } catch (IOException e) {
            throw new FuseMountException("cannot check mountpoint " + absolute + ": reading /proc/self/mountinfo failed: " + e, e);
        }
        // Before touching the directory: a dead FUSE mount there would fail every stat with ENOTCONN.
        rejectIfMounted(absolute, withRealParent(absolute), mounts);
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(absolute, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new FuseMountException("mountpoint " + absolute + " does not exist");
        } catch (IOException e) {
            throw new FuseMountException("mountpoint " + absolute + " cannot be examined: " + e.getMessage(), e);
        }
        if (!attributes.isDirectory()) {
            throw new FuseMountException("mountpoint " + absolute + " is not a directory");
        }
        Path real;
        try {
            real = absolute.toRealPath();
        } catch (IOException e) {
            throw new FuseMountException("mountpoint " + absolute + " cannot be resolved: " + e.getMessage(), e);
        }
        rejectIfMounted(absolute, real, mounts);
        return real;
    }

    /** The path with its parent's symbolic links resolved, as mountinfo lists it; the path itself may be a dead mount. */
    private static Path withRealParent(Path absolute) {
        Path parent = absolute.getParent();
        if (parent == null) return absolute;
        try {
            return parent.toRealPath().resolve(absolute.getFileName());
        } catch (IOException e) {
            return absolute;
        }
    }

    private static void rejectIfMounted(Path named, Path candidate, List<MountEntry> mounts) throws FuseMountException {
        Optional<MountEntry> mounted = MountTable.topmostAt(mounts, candidate.toString());
        if (mounted.isPresent()) {
            String where = named.equals(candidate) ? named.toString() : named + " (" + candidate + ")";
            throw new FuseMountException("mountpoint " + where + " is already a mount point: "
                    + mounted.get().describe() + " is mounted there; unmount it first");
        }
    }
}
