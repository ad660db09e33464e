package qtfs.server.fs;

import qtfs.sys.ErrnoException;
import qtfs.sys.StatFs;

/**
 * What qtfsd needs to know of the file system an inode is on, from one statfs.
 *
 * @param volatileContent files report size 0 or change under the reader (procfs, sysfs,
 *     cgroup, debugfs...): they are served with direct I/O and without attribute caching, or
 *     the client would read empty or stale files
 * @param xattrsListed listxattr names every extended attribute getxattr can find (ext4, xfs,
 *     btrfs, tmpfs, f2fs; unlike file systems with attributes made up on the fly), so an empty
 *     list means getxattr finds nothing
 */
record FileSystemKind(boolean volatileContent, boolean xattrsListed) {
    private static final long PROC = 0x9fa0, SYSFS = 0x62656572, CGROUP = 0x27e0eb, CGROUP2 = 0x63677270,
            DEBUGFS = 0x64626720, TRACEFS = 0x74726163, SECURITYFS = 0x73636673, CONFIGFS = 0x62656570,
            PSTORE = 0x6165676C, BPF = 0xcafe4a11L, EFIVARFS = 0xde5e81e4L;
    private static final long EXT4 = 0xEF53, XFS = 0x58465342, BTRFS = 0x9123683EL, TMPFS = 0x01021994, F2FS = 0xF2F52010L;

    private static final FileSystemKind UNKNOWN = new FileSystemKind(false, false);

    /** The kind of the file system holding the inode {@code fd} refers to. */
    static FileSystemKind of(int fd) {
        long type;
        try {
            type = StatFs.of(fd).type();
        } catch (ErrnoException e) {
            return UNKNOWN;
        }
        boolean volatileContent = type == PROC || type == SYSFS || type == CGROUP || type == CGROUP2 || type == DEBUGFS
                || type == TRACEFS || type == SECURITYFS || type == CONFIGFS || type == PSTORE || type == BPF
                || type == EFIVARFS;
        boolean listed = type == EXT4 || type == XFS || type == BTRFS || type == TMPFS || type == F2FS;
        return new FileSystemKind(volatileContent, listed);
    }
}
