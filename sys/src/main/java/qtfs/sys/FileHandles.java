package qtfs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static qtfs.sys.Libc.C_INT;
import static qtfs.sys.Libc.C_POINTER;

/**
 * File handles (name_to_handle_at(2), open_by_handle_at(2)): a name for an inode that needs
 * no open descriptor and survives renames, for file systems that support them (not procfs).
 * struct file_handle is {@code u32 handle_bytes, i32 handle_type, u8 f_handle[]} on every
 * architecture. Opening by handle needs CAP_DAC_READ_SEARCH.
 */
public final class FileHandles {
    private FileHandles() {}

    /** MAX_HANDLE_SZ of the kernel. */
    private static final int MAX_HANDLE_SIZE = 128;
    private static final int HEADER = 8;

    private static final MethodHandle NAME_TO_HANDLE_AT = Libc.errnoFunction("name_to_handle_at",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER, C_INT));
    private static final MethodHandle OPEN_BY_HANDLE_AT = Libc.errnoFunction("open_by_handle_at",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT));
    private static final ThreadLocal<MemorySegment> EMPTY = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(1));

    /** A file handle and the id of the mount it was taken on. */
    public record FileHandle(int type, byte[] bytes, int mountId) {}

    /**
     * The handle of the inode {@code fd} refers to (O_PATH included; a symlink is not
     * followed). EOPNOTSUPP when its file system has no handles.
     */
    public static FileHandle of(int fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = arena.allocate(HEADER + MAX_HANDLE_SIZE, 4);
            MemorySegment mountId = arena.allocate(JAVA_INT);
            handle.set(JAVA_INT, 0, MAX_HANDLE_SIZE);
            MemorySegment empty = EMPTY.get();
            Calls.checked("name_to_handle_at", () -> (int) NAME_TO_HANDLE_AT.invokeExact(Libc.errnoState(), fd, empty, handle,
                    mountId, OpenFlags.AT_EMPTY_PATH));
            int size = handle.get(JAVA_INT, 0);
            return new FileHandle(handle.get(JAVA_INT, 4), handle.asSlice(HEADER, size).toArray(JAVA_BYTE), mountId.get(JAVA_INT, 0));
        }
    }

    /**
     * Opens the inode {@code handle} names with {@code flags}; {@code mountFd} is an open
     * (not O_PATH) descriptor of anything on the handle's mount. ESTALE when the inode is gone.
     */
    public static int open(int mountFd, FileHandle handle, int flags) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment h = arena.allocate(HEADER + handle.bytes().length, 4);
            h.set(JAVA_INT, 0, handle.bytes().length);
            h.set(JAVA_INT, 4, handle.type());
            MemorySegment.copy(handle.bytes(), 0, h, JAVA_BYTE, HEADER, handle.bytes().length);
            return Calls.checked("open_by_handle_at", () -> (int) OPEN_BY_HANDLE_AT.invokeExact(Libc.errnoState(), mountFd, h,
                    flags | OpenFlags.O_CLOEXEC));
        }
    }
}
