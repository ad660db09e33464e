package qtfs.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static qtfs.sys.Libc.C_INT;
import static qtfs.sys.Libc.C_LONG;
import static qtfs.sys.Libc.C_POINTER;
import static qtfs.sys.Libc.C_SIZE_T;

/**
 * The *at(2) calls that create, remove and rename names in a directory given as a
 * descriptor. Names are NUL-terminated native strings (they may point straight into a
 * request buffer).
 */
public final class PathCalls {
    private PathCalls() {}

    public static final int RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;

    private static final MethodHandle MKDIRAT = Libc.errnoFunction("mkdirat",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT));
    private static final MethodHandle MKNODAT = Libc.errnoFunction("mknodat",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT, C_LONG));
    private static final MethodHandle UNLINKAT = Libc.errnoFunction("unlinkat",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT));
    private static final MethodHandle RENAMEAT2 = Libc.errnoFunction("renameat2",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT, C_POINTER, C_INT));
    private static final MethodHandle LINKAT = Libc.errnoFunction("linkat",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT, C_POINTER, C_INT));
    private static final MethodHandle SYMLINKAT = Libc.errnoFunction("symlinkat",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER));
    private static final MethodHandle READLINKAT = Libc.errnoFunction("readlinkat",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_POINTER, C_SIZE_T));

    public static void mkdirat(int dirfd, MemorySegment name, int mode) throws ErrnoException {
        Calls.checked("mkdirat", () -> (int) MKDIRAT.invokeExact(Libc.errnoState(), dirfd, name, mode));
    }

    /** mknodat(2); {@code dev} in the kernel's 32-bit encoding (as FUSE carries it). */
    public static void mknodat(int dirfd, MemorySegment name, int mode, int dev) throws ErrnoException {
        long devT = dev & 0xffffffffL;
        Calls.checked("mknodat", () -> (int) MKNODAT.invokeExact(Libc.errnoState(), dirfd, name, mode, devT));
    }

    public static void unlinkat(int dirfd, MemorySegment name, int flags) throws ErrnoException {
        Calls.checked("unlinkat", () -> (int) UNLINKAT.invokeExact(Libc.errnoState(), dirfd, name, flags));
    }

    public static void renameat2(int oldDirfd, MemorySegment oldName, int newDirfd, MemorySegment newName, int flags)
            throws ErrnoException {
        Calls.checked("renameat2", () -> (int) RENAMEAT2.invokeExact(Libc.errnoState(), oldDirfd, oldName, newDirfd,
                newName, flags));
    }

    public static void linkat(int oldDirfd, MemorySegment oldName, int newDirfd, MemorySegment newName, int flags)
            throws ErrnoException {
        Calls.checked("linkat", () -> (int) LINKAT.invokeExact(Libc.errnoState(), oldDirfd, oldName, newDirfd,
                newName, flags));
    }

    /** Hard-links the inode held by {@code fd} (O_PATH is fine) as {@code newName} in {@code newDirfd}. */
    public static void linkInode(int fd, int newDirfd, MemorySegment newName) throws ErrnoException {
        // Through the magic link: linkat(AT_EMPTY_PATH) would need CAP_DAC_READ_SEARCH, which
        // a thread acting as an unprivileged caller does not have.
        linkat(OpenFlags.AT_FDCWD, ProcSelf.fdPath(fd), newDirfd, newName, OpenFlags.AT_SYMLINK_FOLLOW);
    }

    public static void symlinkat(MemorySegment target, int newDirfd, MemorySegment linkName) throws ErrnoException {
        Calls.checked("symlinkat", () -> (int) SYMLINKAT.invokeExact(Libc.errnoState(), target, newDirfd, linkName));
    }

    /** readlinkat(2): the number of bytes placed in {@code buf} (no NUL added). */
    public static long readlinkat(int dirfd, MemorySegment name, MemorySegment buf, long size) throws ErrnoException {
        return Calls.checked("readlinkat", () -> (long) READLINKAT.invokeExact(Libc.errnoState(), dirfd, name, buf, size));
    }
}
