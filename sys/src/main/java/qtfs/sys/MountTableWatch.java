package qtfs.sys;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

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

    @Override
    public void close() {
        FileIo.closeQuietly(fd);
        arena.close();
    }
}
