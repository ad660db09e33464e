package qtfs.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static qtfs.sys.Libc.C_INT;
import static qtfs.sys.Libc.C_LONG;
import static qtfs.sys.Libc.C_POINTER;
import static qtfs.sys.Libc.C_SIZE_T;

/** open/close/read/write on file descriptors. Buffers are native segments (no copies). */
public final class FileIo {
    private FileIo() {}

    private static final MethodHandle OPENAT = Libc.errnoFunction("openat",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT, C_INT));
    private static final MethodHandle CLOSE = Libc.errnoFunction("close",
            FunctionDescriptor.of(C_INT, C_INT));
    private static final MethodHandle READ = Libc.errnoFunction("read",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_SIZE_T));
    private static final MethodHandle WRITE = Libc.errnoFunction("write",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_SIZE_T));
    private static final MethodHandle PREAD = Libc.errnoFunction("pread64",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_SIZE_T, C_LONG));
    private static final MethodHandle PWRITE = Libc.errnoFunction("pwrite64",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_SIZE_T, C_LONG));

    /** openat(2); {@code name} is a NUL-terminated native string (see {@link NativeStrings}). */
    public static int openat(int dirfd, MemorySegment name, int flags, int mode) throws ErrnoException {
        return Calls.checked("openat", () -> (int) OPENAT.invokeExact(Libc.errnoState(), dirfd, name, flags, mode));
    }

    /** Opens an absolute or cwd-relative path; for messages the path is named in the exception. */
    public static int open(String path, int flags, int mode) throws ErrnoException {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            return Libc.check((int) OPENAT.invokeExact(Libc.errnoState(), OpenFlags.AT_FDCWD,
                    arena.allocateFrom(path), flags, mode), "open", path);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    public static void close(int fd) throws ErrnoException {
        Calls.checked("close", () -> (int) CLOSE.invokeExact(Libc.errnoState(), fd));
    }

    /** Closes, ignoring errors: for cleanup paths where the fd is being abandoned anyway. */
    public static void closeQuietly(int fd) {
        if (fd < 0) return;
        try {
            close(fd);
        } catch (ErrnoException ignored) {
            // nothing useful to do: the descriptor is released even when close reports an error
        }
    }

    public static long read(int fd, MemorySegment buf, long count) throws ErrnoException {
        return Calls.checked("read", () -> (long) READ.invokeExact(Libc.errnoState(), fd, buf, count));
    }

    public static long write(int fd, MemorySegment buf, long count) throws ErrnoException {
        return Calls.checked("write", () -> (long) WRITE.invokeExact(Libc.errnoState(), fd, buf, count));
    }

    public static long pread(int fd, MemorySegment buf, long count, long offset) throws ErrnoException {
        return Calls.checked("pread", () -> (long) PREAD.invokeExact(Libc.errnoState(), fd, buf, count, offset));
    }

    public static long pwrite(int fd, MemorySegment buf, long count, long offset) throws ErrnoException {
        return Calls.checked("pwrite", () -> (long) PWRITE.invokeExact(Libc.errnoState(), fd, buf, count, offset));
    }
}
