package qtfs.e2e.harness;

import java.nio.file.Path;
import java.time.Duration;

/** A live mount under test, with direct access to the files it shows. */
public interface MountedFileSystem {

    /** Short name used in reports ("qtfs", "bindfs"). */
    String name();

    /** Where clients use the files: the mount point. */
    Path mountPoint();

    /** The same files as the server sees them, read directly without the mount. */
    Path exportDir();

    /**
     * A directory on the same local file system as the export but outside it, for the local
     * reference runs that results on the mount are compared with.
     */
    Path localDir();

    /** How long the client may cache attributes; server-side changes must show within it (plus a margin). */
    Duration attributeTimeout();

    /** The logs of the processes behind the mount, for failure reports. */
    String diagnostics();
}
