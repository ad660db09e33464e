package qtfs.cli;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Before mounting: a qtfs mount whose client daemon is gone (killed, crashed) stays in the
 * mount table, and every access to it fails with "Transport endpoint is not connected". A new
 * mount on top of it would fail with that same puzzling message; say what it is and what to do.
 */
final class StaleMountCheck {
    private StaleMountCheck() {
    }

    /** Throws naming the fix when {@code mountPoint} is a qtfs mount that no daemon serves any more. */
    static void requireNotStale(Path mountPoint) throws CommandFailedException {
        Optional<MountTable.Mount> mounted;
        try {
            mounted = MountTable.read().at(mountPoint);
        } catch (IOException e) {
            return; // no mount table to look at: the mount itself will tell what is wrong
        }
        if (mounted.isEmpty() || !mounted.get().isQtfs()) return;
        try {
            Files.readAttributes(mountPoint, BasicFileAttributes.class);
        } catch (FileSystemException e) {
            if (String.valueOf(e.getReason()).contains("not connected")) {
                throw new CommandFailedException(mountPoint + " is a stale qtfs mount (of " + mounted.get().source()
                        + "): its client daemon is gone. Run 'qtfs umount " + mountPoint + "' (or 'umount -l "
                        + mountPoint + "'), then mount again");
            }
        } catch (IOException e) {
            // anything else is for the mount to report
        }
    }
}
