package qtfs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static qtfs.sys.Libc.C_INT;
import static qtfs.sys.Libc.C_POINTER;

/**
 * Changing an inode's mode, owner and times, and checking access, with the calling thread's
 * credentials. The {@code *Inode} variants take any descriptor of the inode, O_PATH included.
 */
public final class AttrCalls {
    private AttrCalls() {}

    /** tv_nsec values of utimensat(2): set to the current time, or leave alone. */
    public static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;
    public static final int F_OK = 0, X_OK = 1, W_OK = 2, R_OK = 4;
    public static final int AT_EACCESS = 0x200;

    private static final MethodHandle CHMOD = Libc.errnoFunction("chmod",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
    private static final MethodHandle FCHMOD = Libc.errnoFunction("fchmod",
            FunctionDescriptor.of(C_INT, C_INT, C_INT));
    private static final MethodHandle FCHOWNAT = Libc.errnoFunction("fchownat",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT, C_INT, C_INT));
    private static final MethodHandle UTIMENSAT = Libc.errnoFunction("utimensat",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER, C_INT));
    private static final MethodHandle FUTIMENS = Libc.errnoFunction("futimens",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER));

    private static final ThreadLocal<MemorySegment> TIMES = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(32, 8));
    private static final ThreadLocal<MemorySegment> EMPTY = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(1));

    public static void chmodInode(int fd, int mode) throws ErrnoException {
        MemorySegment path = ProcSelf.fdPath(fd);
        Calls.checked("chmod", () -> (int) CHMOD.invokeExact(Libc.errnoState(), path, mode));
    }

    public static void fchmod(int fd, int mode) throws ErrnoException {
        Calls.checked("fchmod", () -> (int) FCHMOD.invokeExact(Libc.errnoState(), fd, mode));
    }

    /** Changes owner and/or group (-1 leaves one alone) of the inode itself, never a symlink's target. */
    public static void chownInode(int fd, int uid, int gid) throws ErrnoException {
        MemorySegment empty = EMPTY.get();
        int flags = OpenFlags.AT_EMPTY_PATH | OpenFlags.AT_SYMLINK_NOFOLLOW;
        Calls.checked("fchownat", () -> (int) FCHOWNAT.invokeExact(Libc.errnoState(), fd, empty, uid, gid, flags));
    }

    /**
     * Sets access and modification times of the inode held by {@code fd}; a nanosecond value
     * of {@link #UTIME_NOW} or {@link #UTIME_OMIT} means what utimensat(2) says.
     */
    public static void utimensInode(int fd, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec)
            throws ErrnoException {
        MemorySegment times = times(atimeSec, atimeNsec, mtimeSec, mtimeNsec);
        MemorySegment path = ProcSelf.fdPath(fd);
        Calls.checked("utimensat", () -> (int) UTIMENSAT.invokeExact(Libc.errnoState(), OpenFlags.AT_FDCWD, path, times, 0));
    }

    /** The same on an open (non-O_PATH) descriptor, as futimens(3). */
    public static void futimens(int fd, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec)
            throws ErrnoException {
        MemorySegment times = times(atimeSec, atimeNsec, mtimeSec, mtimeNsec);
        Calls.checked("futimens", () -> (int) FUTIMENS.invokeExact(Libc.errnoState(), fd, times));
    }

    private static MemorySegment times(long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec) {
        MemorySegment t = TIMES.get();
        t.set(JAVA_LONG, 0, atimeSec);
        t.set(JAVA_LONG, 8, atimeNsec);
        t.set(JAVA_LONG, 16, mtimeSec);
        t.set(JAVA_LONG, 24, mtimeNsec);
        return t;
    }

    /**
     * access(2) of the inode held by {@code fd} as the calling thread's file-system identity
     * (AT_EACCESS: fsuid, fsgid, groups and capabilities, not the real uid).
     */
    public static void accessInode(int fd, int mask) throws ErrnoException {
        MemorySegment path = ProcSelf.fdPath(fd);
        long rc = RawSyscall.call(RawSyscall.FACCESSAT2, OpenFlags.AT_FDCWD, path.address(), mask, AT_EACCESS);
        if (rc == -1) throw new ErrnoException("faccessat2", Libc.lastErrno());
    }
}
