package qtfs.sys;

/**
 * open(2) and *at(2) flag values. These are the generic Linux values shared by x86_64 and
 * aarch64 except where noted; aarch64 differs for O_DIRECTORY, O_NOFOLLOW, O_DIRECT and
 * O_LARGEFILE, so those come from {@link Arch}.
 */
public final class OpenFlags {
    private OpenFlags() {}

    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_ACCMODE = 3;
    public static final int O_CREAT = 0100, O_EXCL = 0200, O_NOCTTY = 0400, O_TRUNC = 01000,
            O_APPEND = 02000, O_NONBLOCK = 04000, O_DSYNC = 010000, O_ASYNC = 020000,
            O_NOATIME = 01000000, O_CLOEXEC = 02000000, O_SYNC = 04010000, O_PATH = 010000000,
            O_TMPFILE_BASE = 020000000;
    public static final int O_DIRECTORY = Arch.current().oDirectory();
    public static final int O_NOFOLLOW = Arch.current().oNofollow();
    public static final int O_DIRECT = Arch.current().oDirect();
    public static final int O_LARGEFILE = Arch.current().oLargefile();

    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    public static final int AT_REMOVEDIR = 0x200;
    public static final int AT_SYMLINK_FOLLOW = 0x400;
    public static final int AT_NO_AUTOMOUNT = 0x800;
    public static final int AT_EMPTY_PATH = 0x1000;
}
