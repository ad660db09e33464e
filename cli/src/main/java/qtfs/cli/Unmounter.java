package qtfs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code qtfs umount}: checks that the directory is a qtfs mount, then unmounts it with
 * umount(8) as root or fusermount3(1) otherwise. The mount daemon sees the unmount and exits.
 */
public final class Unmounter {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Unmounter() {
    }

    public static void unmount(Path mountpoint, boolean lazy) throws CommandFailedException {
        Path mp = canonicalMountPoint(mountpoint);
        MountTable table;
        try {
            table = MountTable.read();
        } catch (IOException e) {
            throw new CommandFailedException("cannot read " + MountTable.MOUNTINFO + ": " + e.getMessage());
        }
        MountTable.Mount mount = table.at(mp)
                .orElseThrow(() -> new CommandFailedException(mp + " is not mounted"));
        if (!mount.isQtfs()) {
            throw new CommandFailedException(mp + " is not a qtfs mount (it is " + mount.fsType() + " from "
                    + mount.source() + ")");
        }
        // the server's mounts below the export are qtfs mounts inside this one: only a detach takes the whole tree
        boolean detach = lazy || table.mounts().stream()
                .anyMatch(m -> m.isQtfs() && m.mountPoint().startsWith(mp) && !m.mountPoint().equals(mp));
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            command.add("umount");
            if (detach) command.add("-l");
        } else {
            command.add("fusermount3");
            command.add("-u");
            if (detach) command.add("-z");
        }
        command.add(mp.toString());
        ExternalCommand.Result result = ExternalCommand.run(command, TIMEOUT);
        if (result.exitCode() != 0) {
            String hint = result.output().contains("busy") && !lazy
                    ? " (files are still open under it; close them, or use 'qtfs umount -l' to detach now)" : "";
            throw new CommandFailedException("cannot unmount " + mp + ": " + String.join(" ", command) + " said: "
                    + (result.output().isEmpty() ? "exit status " + result.exitCode() : result.output()) + hint);
        }
    }

    /**
     * The absolute path as mountinfo shows it. Only the parent is resolved: resolving the
     * mount point itself would ask the FUSE daemon, which may be gone.
     */
    static Path canonicalMountPoint(Path mountpoint) throws CommandFailedException {
        Path abs = mountpoint.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null) return abs;
        try {
            return parent.toRealPath().resolve(abs.getFileName());
        } catch (IOException e) {
            throw new CommandFailedException("cannot resolve " + parent + ": " + e.getMessage());
        }
    }

    /** Effective uid 0, from /proc/self/status ("Uid: real effective saved fs"). */
    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0");
            }
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            // fall through: assume an unprivileged user, whose tool also works for root-less mounts
        }
        return false;
    }
}
