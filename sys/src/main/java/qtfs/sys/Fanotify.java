package qtfs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static qtfs.sys.Libc.C_INT;
import static qtfs.sys.Libc.C_LONG;
import static qtfs.sys.Libc.C_POINTER;

/**
 * A fanotify(7) group that reports changes by file handle: whole file systems are marked
 * (FAN_MARK_FILESYSTEM: one mark, no per-inode watch limit), and each event names the changed
 * object and, for name changes, the directory and the name (FAN_REPORT_DFID_NAME |
 * FAN_REPORT_FID), plus the thread that caused it (FAN_REPORT_TID). Needs CAP_SYS_ADMIN, and
 * file systems that can encode file handles (ext4, xfs, btrfs, tmpfs...; not procfs).
 * The layouts (fanotify_event_metadata, fanotify_event_info_fid) are the same on every
 * architecture.
 */
public final class Fanotify implements AutoCloseable {
    /** Event bits (the mask of a mark, and of an event). */
    public static final long MODIFY = 0x2, ATTRIB = 0x4, MOVED_FROM = 0x40, MOVED_TO = 0x80, CREATE = 0x100,
            DELETE = 0x200, DELETE_SELF = 0x400, MOVE_SELF = 0x800, Q_OVERFLOW = 0x4000, ONDIR = 0x4000_0000L;

    private static final int FAN_CLOEXEC = 0x1, FAN_NONBLOCK = 0x2, FAN_REPORT_TID = 0x100, FAN_REPORT_FID = 0x200,
            FAN_REPORT_DIR_FID = 0x400, FAN_REPORT_NAME = 0x800;
    private static final int FAN_MARK_ADD = 0x1, FAN_MARK_FILESYSTEM = 0x100;
    private static final int O_RDONLY = 0;
    private static final int INFO_FID = 1, INFO_DFID_NAME = 2, INFO_DFID = 3;
    private static final int METADATA_SIZE = 24, INFO_HEADER = 4, FSID_SIZE = 8, HANDLE_HEADER = 8;
    private static final int POLLIN = 0x1;

    private static final MethodHandle INIT = Libc.errnoFunction("fanotify_init", FunctionDescriptor.of(C_INT, C_INT, C_INT));
    private static final MethodHandle MARK = Libc.errnoFunction("fanotify_mark",
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_LONG, C_INT, C_POINTER));

    /**
     * An object as fanotify names it: the file system id (statfs f_fsid) and a file handle. For
     * the file systems qtfsd watches this is the handle name_to_handle_at gives.
     */
    public record FileId(long fsid, int type, byte[] handle) {
        @Override
        public boolean equals(Object o) {
            return o instanceof FileId f && f.fsid == fsid && f.type == type && java.util.Arrays.equals(f.handle, handle);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(fsid) * 31 + java.util.Arrays.hashCode(handle) + type;
        }

        /** The id of the inode {@code fd} refers to, on the file system whose f_fsid is {@code fsid}. */
        public static FileId of(int fd, long fsid) throws ErrnoException {
            FileHandles.FileHandle h = FileHandles.of(fd);
            return new FileId(fsid, h.type(), h.bytes());
        }
    }

    /**
     * One event: its bits, the thread that caused it, the changed object (null for events
     * reported on a directory entry only), the directory holding the name and the name (both
     * null unless a name was involved). {@link #Q_OVERFLOW} comes with none of them.
     */
    public record Event(long mask, int tid, FileId object, FileId dir, byte[] name) {}

    private final int fd;
    private final MemorySegment buffer;
    private final MemorySegment pollfd;

    private Fanotify(int fd, Arena arena) {
        this.fd = fd;
        this.buffer = arena.allocate(64 << 10, 8);
        this.pollfd = arena.allocate(8, 4);
    }

    /**
     * A new group. EPERM without CAP_SYS_ADMIN, EINVAL on kernels older than 5.9 (no names
     * with file handles), ENOSYS without fanotify.
     */
    public static Fanotify open() throws ErrnoException {
        int flags = FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_TID | FAN_REPORT_FID | FAN_REPORT_DIR_FID | FAN_REPORT_NAME;
        int fd = Calls.checked("fanotify_init", () -> (int) INIT.invokeExact(Libc.errnoState(), flags, O_RDONLY));
        return new Fanotify(fd, Arena.ofAuto());
    }

    /**
     * Reports the events in {@code mask} for every object of the file system holding the inode
     * {@code inodeFd} refers to (an O_PATH descriptor will do). EXDEV/EOPNOTSUPP/ENODEV when
     * that file system cannot report file handles.
     */
    public void markFileSystem(int inodeFd, long mask) throws ErrnoException {
        String path = "/proc/self/fd/" + inodeFd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocateFrom(path);
            Calls.checked("fanotify_mark " + path, () -> (int) MARK.invokeExact(Libc.errnoState(), fd,
                    FAN_MARK_ADD | FAN_MARK_FILESYSTEM, mask, -100, p));
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for events and returns those queued (none on time-out).
     * For one reading thread.
     */
    public List<Event> read(int timeoutMillis) throws ErrnoException {
        pollfd.set(JAVA_INT, 0, fd);
        pollfd.set(JAVA_SHORT, 4, (short) POLLIN);
        pollfd.set(JAVA_SHORT, 6, (short) 0);
        if (SocketCalls.poll(pollfd, 1, timeoutMillis) <= 0) return List.of();
        long n;
        try {
            n = FileIo.read(fd, buffer, buffer.byteSize());
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EAGAIN || e.errno() == Errno.EINTR) return List.of();
            throw e;
        }
        return parse(buffer, n);
    }

    /** The events in the first {@code n} bytes of {@code b}; records are 4-byte aligned only. */
    static List<Event> parse(MemorySegment b, long n) {
        List<Event> events = new ArrayList<>();
        long at = 0;
        while (at + METADATA_SIZE <= n) {
            int len = b.get(JAVA_INT_UNALIGNED, at);
            int metaLen = Short.toUnsignedInt(b.get(JAVA_SHORT_UNALIGNED, at + 6));
            if (len < METADATA_SIZE || at + len > n) break;
            long mask = b.get(JAVA_LONG_UNALIGNED, at + 8);
            int eventFd = b.get(JAVA_INT_UNALIGNED, at + 16);
            if (eventFd >= 0) FileIo.closeQuietly(eventFd);   // not reported with file handles, but never leak one
            int tid = b.get(JAVA_INT_UNALIGNED, at + 20);
            FileId object = null, dir = null;
            byte[] name = null;
            long info = at + metaLen;
            while (info + INFO_HEADER + FSID_SIZE + HANDLE_HEADER <= at + len) {
                int type = Byte.toUnsignedInt(b.get(JAVA_BYTE, info));
                int infoLen = Short.toUnsignedInt(b.get(JAVA_SHORT_UNALIGNED, info + 2));
                if (infoLen == 0 || info + infoLen > at + len) break;
                long fsid = b.get(JAVA_LONG_UNALIGNED, info + INFO_HEADER);
                long h = info + INFO_HEADER + FSID_SIZE;
                int handleBytes = b.get(JAVA_INT_UNALIGNED, h);
                int handleType = b.get(JAVA_INT_UNALIGNED, h + 4);
                long handleEnd = h + HANDLE_HEADER + handleBytes;
                if (handleEnd <= info + infoLen) {
                    FileId id = new FileId(fsid, handleType, b.asSlice(h + HANDLE_HEADER, handleBytes).toArray(JAVA_BYTE));
                    if (type == INFO_FID) {
                        object = id;
                    } else if (type == INFO_DFID || type == INFO_DFID_NAME) {
                        dir = id;
                        if (type == INFO_DFID_NAME) name = cString(b, handleEnd, info + infoLen);
                    }
                }
                info += infoLen;
            }
            events.add(new Event(mask, tid, object, dir, name));
            at += len;
        }
        return events;
    }

    private static byte[] cString(MemorySegment b, long from, long end) {
        long e = from;
        while (e < end && b.get(JAVA_BYTE, e) != 0) e++;
        return b.asSlice(from, e - from).toArray(JAVA_BYTE);
    }

    /** Ends the group and its marks; only once nobody reads any more (the descriptor number may be reused). */
    @Override
    public void close() {
        FileIo.closeQuietly(fd);
    }
}
