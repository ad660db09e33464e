package qtfs.server.fs;

import qtfs.sys.ErrnoException;
import qtfs.sys.StatFs;

/**
 * File systems whose files report size 0 or change under the reader (procfs, sysfs, cgroup,
 * debugfs...): served with direct I/O and without attribute caching, or the client would
 * read empty or stale files.
 */
final class VolatileFileSystems {
    private VolatileFileSystems() {}

    private static final long PROC = 0x9fa0, SYSFS = 0x62656572, CGROUP = 0x27e0eb, CGROUP2 = 0x63677270,
            DEBUGFS = 0x64626720, TRACEFS = 0x74726163, SECURITYFS = 0x73636673, CONFIGFS = 0x62656570,
            PSTORE = 0x6165676C, BPF = 0xcafe4a11L, EFIVARFS = 0xde5e81e4L;

    static boolean holds(int fd) {
        long type;
        try {
            type = StatFs.of(fd).type();
        } catch (ErrnoException e) {
            return false;
        }
        return type == PROC || type == SYSFS || type == CGROUP || type == CGROUP2 || type == DEBUGFS
                || type == TRACEFS || type == SECURITYFS || type == CONFIGFS || type == PSTORE || type == BPF
                || type == EFIVARFS;
    }
}
