package qtfs.fuse;

/**
 * One line of /proc/self/mountinfo: a mount in this process's mount namespace.
 *
 * @param mountId      unique while the mount exists
 * @param major        device major number of the mounted file system
 * @param minor        device minor number
 * @param mountPoint   absolute path, unescaped
 * @param mountOptions per-mount options, e.g. {@code rw,nosuid,nodev}
 * @param fsType       e.g. {@code fuse.qtfs}
 * @param source       e.g. {@code host:/srv}
 */
record MountEntry(int mountId, int major, int minor, String mountPoint, String mountOptions, String fsType, String source) {

    /** The device number as the kernel encodes it internally (names the FUSE connection in fusectl). */
    long kernelDevice() {
        return ((long) major << 20) | minor;
    }

    boolean hasMountOption(String option) {
        for (String o : mountOptions.split(",")) {
            if (o.equals(option)) return true;
        }
        return false;
    }

    /** {@code "fuse.qtfs (source host:/srv)"}, for messages. */
    String describe() {
        return fsType + " (source " + source + ")";
    }
}
