package qtfs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static qtfs.sys.Libc.C_INT;
import static qtfs.sys.Libc.C_LONG;
import static qtfs.sys.Libc.C_POINTER;
import static qtfs.sys.Libc.C_SIZE_T;

/** Calls on open file descriptors: size, space, sync, seek, copy, directory entries, dup. */
public final class FileCalls {
    private FileCalls() {}

    public static final int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;
    public static final int FALLOC_FL_KEEP_SIZE = 1, FALLOC_FL_PUNCH_HOLE = 2, FALLOC_FL_COLLAPSE_RANGE = 8,
            FALLOC_FL_ZERO_RANGE = 0x10, FALLOC_FL_INSERT_RANGE = 0x20, FALLOC_FL_UNSHARE_RANGE = 0x40;

    private static final MethodHandle FTRUNCATE = Libc.errnoFunction("ftruncate",
            FunctionDescriptor.of(C_INT, C_INT, C_LONG));
    private static final MethodHandle TRUNCATE = Libc.errnoFunction("truncate",
            FunctionDescriptor.of(C_INT, C_POINTER, C_LONG));
    private static final MethodHandle FALLOCATE = Libc.errnoFunction("fallocate",
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_LONG, C_LONG));
    private static final MethodHandle FSYNC = Libc.errnoFunction("fsync", FunctionDescriptor.of(C_INT, C_INT));
    private static final MethodHandle FDATASYNC = Libc.errnoFunction("fdatasync", FunctionDescriptor.of(C_INT, C_INT));
    private static final MethodHandle SYNCFS = Libc.errnoFunction("syncfs", FunctionDescriptor.of(C_INT, C_INT));
    private static final MethodHandle LSEEK = Libc.errnoFunction("lseek",
            FunctionDescriptor.of(C_LONG, C_INT, C_LONG, C_INT));
    private static final MethodHandle COPY_FILE_RANGE = Libc.errnoFunction("copy_file_range",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_INT, C_POINTER, C_SIZE_T, C_INT));
    private static final MethodHandle GETDENTS64 = Libc.errnoFunction("getdents64",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_SIZE_T));
    private static final MethodHandle DUP = Libc.errnoFunction("dup", FunctionDescriptor.of(C_INT, C_INT));
    private static final MethodHandle UMASK = Libc.function("umask", FunctionDescriptor.of(C_INT, C_INT));

    private static final ThreadLocal<MemorySegment> OFFSETS = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(16, 8));

    public static void ftruncate(int fd, long length) throws ErrnoException {
        Calls.checked("ftruncate", () -> (int) FTRUNCATE.invokeExact(Libc.errnoState(), fd, length));
    }

    /** truncate(2) of the inode held by {@code fd} (O_PATH is fine), with the calling thread's permissions. */
    public static void truncateInode(int fd, long length) throws ErrnoException {
        MemorySegment path = ProcSelf.fdPath(fd);
        Calls.checked("truncate", () -> (int) TRUNCATE.invokeExact(Libc.errnoState(), path, length));
    }

    public static void fallocate(int fd, int mode, long offset, long length) throws ErrnoException {
        Calls.checked("fallocate", () -> (int) FALLOCATE.invokeExact(Libc.errnoState(), fd, mode, offset, length));
    }

    public static void fsync(int fd) throws ErrnoException {
        Calls.checked("fsync", () -> (int) FSYNC.invokeExact(Libc.errnoState(), fd));
    }

    public static void fdatasync(int fd) throws ErrnoException {
        Calls.checked("fdatasync", () -> (int) FDATASYNC.invokeExact(Libc.errnoState(), fd));
    }

    public static void syncfs(int fd) throws ErrnoException {
        Calls.checked("syncfs", () -> (int) SYNCFS.invokeExact(Libc.errnoState(), fd));
    }

    public static long lseek(int fd, long offset, int whence) throws ErrnoException {
        return Calls.checked("lseek", () -> (long) LSEEK.invokeExact(Libc.errnoState(), fd, offset, whence));
    }

    /** copy_file_range(2) between explicit offsets (the descriptors' positions are left alone). */
    public static long copyFileRange(int fdIn, long offIn, int fdOut, long offOut, long length, int flags)
            throws ErrnoException {
        MemorySegment offsets = OFFSETS.get();
        offsets.set(JAVA_LONG, 0, offIn);
        offsets.set(JAVA_LONG, 8, offOut);
        MemorySegment in = offsets.asSlice(0, 8), out = offsets.asSlice(8, 8);
        return Calls.checked("copy_file_range", () -> (long) COPY_FILE_RANGE.invokeExact(Libc.errnoState(),
                fdIn, in, fdOut, out, length, flags));
    }

    /** getdents64(2): fills {@code buf} with records read by {@link Dirents}; 0 at the end of the directory. */
    public static long getdents64(int fd, MemorySegment buf, long size) throws ErrnoException {
        return Calls.checked("getdents64", () -> (long) GETDENTS64.invokeExact(Libc.errnoState(), fd, buf, size));
    }

    public static int dup(int fd) throws ErrnoException {
        return Calls.checked("dup", () -> (int) DUP.invokeExact(Libc.errnoState(), fd));
    }

    /** Sets the process-wide file creation mask and returns the previous one. */
    public static int umask(int mask) {
        try {
            return (int) UMASK.invokeExact(mask);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }
}
