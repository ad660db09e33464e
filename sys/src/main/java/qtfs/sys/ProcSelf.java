package qtfs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static qtfs.sys.Libc.C_LONG;
import static qtfs.sys.Libc.C_POINTER;
import static qtfs.sys.Libc.C_SIZE_T;

/**
 * Access to an inode held as an O_PATH descriptor through its {@code /proc/self/fd/N} magic
 * link. The link leads to the inode itself (a symlink is not followed further), so calls
 * that need a path act on exactly that inode whatever has been renamed in between.
 */
public final class ProcSelf {
    private ProcSelf() {}

    private static final MethodHandle READLINK = Libc.errnoFunction("readlink",
            FunctionDescriptor.of(C_LONG, C_POINTER, C_POINTER, C_SIZE_T));

    private static final byte[] PREFIX = "/proc/self/fd/".getBytes(StandardCharsets.US_ASCII);
    private static final int PATH_MAX = 4096;
    private static final ThreadLocal<MemorySegment> FD_PATH = ThreadLocal.withInitial(() -> {
        MemorySegment s = Arena.ofAuto().allocate(32);
        MemorySegment.copy(PREFIX, 0, s, JAVA_BYTE, 0, PREFIX.length);
        return s;
    });
    private static final ThreadLocal<MemorySegment> LINK_BUFFER =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(PATH_MAX + 1));

    /**
     * {@code "/proc/self/fd/N"} as a C string in a per-thread buffer: valid until the next
     * call of this method on the same thread.
     */
    public static MemorySegment fdPath(int fd) {
        if (fd < 0) throw new IllegalArgumentException("negative file descriptor " + fd);
        MemorySegment s = FD_PATH.get();
        String digits = Integer.toString(fd);
        int at = PREFIX.length;
        for (int i = 0; i < digits.length(); i++) s.set(JAVA_BYTE, at++, (byte) digits.charAt(i));
        s.set(JAVA_BYTE, at, (byte) 0);
        return s;
    }

    /** Opens the inode behind {@code fd} anew with {@code flags} (a new open file description). */
    public static int reopen(int fd, int flags) throws ErrnoException {
        return FileIo.openat(OpenFlags.AT_FDCWD, fdPath(fd), flags | OpenFlags.O_CLOEXEC, 0);
    }

    /**
     * The path the kernel knows for {@code fd} (readlink of its magic link): an absolute path,
     * with {@code " (deleted)"} appended once the file is unlinked.
     */
    public static byte[] pathOf(int fd) throws ErrnoException {
        MemorySegment buf = LINK_BUFFER.get();
        long n;
        try {
            n = Libc.check((long) READLINK.invokeExact(Libc.errnoState(), fdPath(fd), buf, (long) PATH_MAX + 1), "readlink");
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        if (n > PATH_MAX) throw new ErrnoException("readlink", Errno.ENAMETOOLONG, "/proc/self/fd/" + fd);
        return buf.asSlice(0, n).toArray(JAVA_BYTE);
    }
}
