package qtfs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static qtfs.sys.Libc.C_INT;
import static qtfs.sys.Libc.C_POINTER;

/**
 * fstatfs(2) figures; {@code fsid} is f_fsid's two words as one (as fanotify reports it). struct statfs has the same 64-bit layout (120 bytes, all words 8
 * bytes) on x86_64 and aarch64.
 */
public record StatFs(long type, long bsize, long blocks, long bfree, long bavail, long files, long ffree,
                     long namelen, long frsize, long flags, long fsid) {

    /** f_type of a proc file system. */
    public static final long PROC_SUPER_MAGIC = 0x9fa0;

    private static final MethodHandle FSTATFS = Libc.errnoFunction("fstatfs",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER));
    private static final ThreadLocal<MemorySegment> BUFFER = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(120, 8));

    /** The file system holding the inode {@code fd} refers to (O_PATH is fine). */
    public static StatFs of(int fd) throws ErrnoException {
        MemorySegment b = BUFFER.get();
        Calls.checked("fstatfs", () -> (int) FSTATFS.invokeExact(Libc.errnoState(), fd, b));
        return new StatFs(b.get(JAVA_LONG, 0), b.get(JAVA_LONG, 8), b.get(JAVA_LONG, 16), b.get(JAVA_LONG, 24),
                b.get(JAVA_LONG, 32), b.get(JAVA_LONG, 40), b.get(JAVA_LONG, 48), b.get(JAVA_LONG, 64),
                b.get(JAVA_LONG, 72), b.get(JAVA_LONG, 80), b.get(JAVA_LONG, 56));
    }
}
