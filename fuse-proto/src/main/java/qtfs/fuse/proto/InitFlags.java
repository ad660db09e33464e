package qtfs.fuse.proto;

/** Capability bits of FUSE_INIT (flags | flags2 << 32), protocol 7.38. */
public final class InitFlags {
    private InitFlags() {}

    public static final long ASYNC_READ = 1L << 0, POSIX_LOCKS = 1L << 1, FILE_OPS = 1L << 2,
            ATOMIC_O_TRUNC = 1L << 3, EXPORT_SUPPORT = 1L << 4, BIG_WRITES = 1L << 5, DONT_MASK = 1L << 6,
            SPLICE_WRITE = 1L << 7, SPLICE_MOVE = 1L << 8, SPLICE_READ = 1L << 9, FLOCK_LOCKS = 1L << 10,
            HAS_IOCTL_DIR = 1L << 11, AUTO_INVAL_DATA = 1L << 12, DO_READDIRPLUS = 1L << 13,
            READDIRPLUS_AUTO = 1L << 14, ASYNC_DIO = 1L << 15, WRITEBACK_CACHE = 1L << 16,
            NO_OPEN_SUPPORT = 1L << 17, PARALLEL_DIROPS = 1L << 18, HANDLE_KILLPRIV = 1L << 19,
            POSIX_ACL = 1L << 20, ABORT_ERROR = 1L << 21, MAX_PAGES = 1L << 22, CACHE_SYMLINKS = 1L << 23,
            NO_OPENDIR_SUPPORT = 1L << 24, EXPLICIT_INVAL_DATA = 1L << 25, MAP_ALIGNMENT = 1L << 26,
            SUBMOUNTS = 1L << 27, HANDLE_KILLPRIV_V2 = 1L << 28, SETXATTR_EXT = 1L << 29,
            INIT_EXT = 1L << 30, INIT_RESERVED = 1L << 31, SECURITY_CTX = 1L << 32,
            HAS_INODE_DAX = 1L << 33, HAS_EXPIRE_ONLY = 1L << 35;
}
