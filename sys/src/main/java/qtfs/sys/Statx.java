package qtfs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static qtfs.sys.Libc.C_INT;
import static qtfs.sys.Libc.C_POINTER;

/**
 * The result of statx(2): one layout on every architecture, unlike struct stat. Device
 * numbers are kept as major/minor; {@link #dev()} packs them into one value for use as a key.
 */
public record Statx(int mode, int nlink, int uid, int gid, long ino, long size, long blocks, int blksize,
                    long atimeSec, int atimeNsec, long mtimeSec, int mtimeNsec, long ctimeSec, int ctimeNsec,
                    int rdevMajor, int rdevMinor, int devMajor, int devMinor) {

    public static final int S_IFMT = 0170000, S_IFSOCK = 0140000, S_IFLNK = 0120000, S_IFREG = 0100000,
            S_IFBLK = 0060000, S_IFDIR = 0040000, S_IFCHR = 0020000, S_IFIFO = 0010000,
            S_ISUID = 04000, S_ISGID = 02000, S_ISVTX = 01000;

    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final long SIZE = 256;

    private static final MethodHandle STATX = Libc.errnoFunction("statx",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT, C_INT, C_POINTER));

    private static final ThreadLocal<MemorySegment> BUFFER = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(SIZE, 8));
    private static final ThreadLocal<MemorySegment> EMPTY = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(1));

    /** The inode {@code fd} refers to (any fd, O_PATH included), without following a symlink. */
    public static Statx of(int fd) throws ErrnoException {
        return at(fd, EMPTY.get(), OpenFlags.AT_EMPTY_PATH | OpenFlags.AT_SYMLINK_NOFOLLOW);
    }

    /** statx(dirfd, name, flags); {@code name} is a NUL-terminated native string. */
    public static Statx at(int dirfd, MemorySegment name, int flags) throws ErrnoException {
        MemorySegment b = BUFFER.get();
        try {
            Libc.check((int) STATX.invokeExact(Libc.errnoState(), dirfd, name, flags, STATX_BASIC_STATS, b), "statx");
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        return new Statx(
                Short.toUnsignedInt(b.get(JAVA_SHORT, 28)), b.get(JAVA_INT, 16), b.get(JAVA_INT, 20), b.get(JAVA_INT, 24),
                b.get(JAVA_LONG, 32), b.get(JAVA_LONG, 40), b.get(JAVA_LONG, 48), b.get(JAVA_INT, 4),
                b.get(JAVA_LONG, 64), b.get(JAVA_INT, 72),
                b.get(JAVA_LONG, 112), b.get(JAVA_INT, 120),
                b.get(JAVA_LONG, 96), b.get(JAVA_INT, 104),
                b.get(JAVA_INT, 128), b.get(JAVA_INT, 132), b.get(JAVA_INT, 136), b.get(JAVA_INT, 140));
    }

    /** The device of the file system holding the inode, packed as {@code major << 32 | minor}. */
    public long dev() {
        return ((long) devMajor << 32) | (devMinor & 0xffffffffL);
    }

    /** rdev as the kernel's 32-bit "new" device encoding (what mknod(2) and FUSE carry). */
    public int rdevEncoded() {
        return (rdevMinor & 0xff) | ((rdevMajor & 0xfff) << 8) | ((rdevMinor & ~0xff) << 12);
    }

    public int type() { return mode & S_IFMT; }
    public boolean isDirectory() { return type() == S_IFDIR; }
    public boolean isRegular() { return type() == S_IFREG; }
    public boolean isSymlink() { return type() == S_IFLNK; }
}
