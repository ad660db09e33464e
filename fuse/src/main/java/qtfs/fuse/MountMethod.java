package qtfs.fuse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import qtfs.sys.UserIds;

/** How a FUSE file system gets mounted and unmounted: by the kernel directly (root) or through fusermount3. */
sealed interface MountMethod permits KernelMount, FusermountMount {

    /** Mounts at {@code mountpoint} (already checked, canonical) and returns the open /dev/fuse descriptor. */
    int mount(Path mountpoint, FuseMountOptions options) throws FuseMountException;

    /** Detaches the mount now; the kernel lets it go once its last user leaves. */
    void unmountLazily(String mountpoint) throws IOException;

    /** mount(2) for root, fusermount3 for everyone else. */
    static MountMethod forThisProcess() {
        return UserIds.euid() == 0 ? new KernelMount() : new FusermountMount(FusermountMount.defaultSearchPath());
    }

    /** Options that both the kernel and fusermount3 take, e.g. {@code max_read=1048576,allow_other}. */
    static List<String> commonOptions(FuseMountOptions options) {
        // max_read bounds READ requests to max_write, so one reply buffer of max_write fits any READ answer.
        return options.allowOther()
                ? List.of("max_read=" + options.maxWrite(), "allow_other")
                : List.of("max_read=" + options.maxWrite());
    }
}
