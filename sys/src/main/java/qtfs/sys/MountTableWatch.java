package qtfs.sys;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * This process's mount table ({@code /proc/self/mountinfo}) and its changes: the kernel
 * reports POLLPRI on the open file after every mount and unmount in the namespace.
 */
public final class MountTableWatch implements AutoCloseable {
    public static final String MOUNTINFO = "/proc/self/mountinfo";
    private static final short POLLPRI = 0x2, POLLERR = 0x8;
    private static final int CHUNK = 64 << 10;

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment pollfd;
    private final MemorySegment buffer;

    public MountTableWatch() throws ErrnoException {
        fd = FileIo.open(MOUNTINFO, OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0);
        pollfd = arena.allocate(SocketCalls.POLLFD_SIZE, 4);
        buffer = arena.allocate(CHUNK);
    }

    /** The whole table as it is now. */
    public synchronized String read() throws ErrnoException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        long offset = 0;
        for (;;) {
            long n = FileIo.pread(fd, buffer, CHUNK, offset);
            if (n <= 0) break;
            text.write(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), 0, (int) n);
            offset += n;
        }
        return text.toString(StandardCharsets.UTF_8);
    }

    /** Waits up to {@code timeoutMillis} for the table to change; returns whether it did. */
    public synchronized boolean awaitChange(int timeoutMillis) throws ErrnoException {
        pollfd.fill((byte) 0);
        pollfd.set(ValueLayout.JAVA_INT, 0, fd);
        pollfd.set(ValueLayout.JAVA_SHORT, SocketCalls.POLLFD_EVENTS, POLLPRI);
        int rc = SocketCalls.poll(pollfd, 1, timeoutMillis);
        if (rc < 0) {
            int errno = Libc.lastErrno();
            if (errno == Errno.EINTR) return false;
            throw new ErrnoException("poll", errno, MOUNTINFO);
        }
        return rc > 0 && (pollfd.get(ValueLayout.JAVA_SHORT, SocketCalls.POLLFD_REVENTS) & (POLLPRI | POLLERR)) != 0;
    }

    /**
     * The mount points of a mountinfo text (the fifth field of each line, see proc(5)), in
     * its order, with the kernel's octal escapes of space, tab, newline and backslash undone.
     */
    public static List<String> mountPoints(String mountinfo) {
        List<String> points = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            if (f.length > 4) points.add(unescape(f[4]));
        }
        return points;
    }

    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) return field;
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && isOctal(field.substring(i + 1, i + 4))) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String digits) {
        return digits.chars().allMatch(c -> c >= '0' && c <= '7');
    }

    @Override
    public void close() {
        FileIo.closeQuietly(fd);
        arena.close();
    }
}
