package qtfs.server.fs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import qtfs.fuse.proto.Notify;
import qtfs.sys.ErrnoException;
import qtfs.sys.PathCalls;
import qtfs.sys.Statx;

/**
 * Symlinks on volatile file systems ({@code /proc/PID/fd/N}, {@code /proc/PID/cwd},
 * {@code /proc/PID/exe}) change their text while keeping inode and attributes: a process
 * reopens descriptor 3 on another file, changes directory. The client kernel caches a symlink's
 * text (FUSE_CACHE_SYMLINKS) until the attributes change or it is told to forget it. So the
 * server remembers the text it last gave the client for such a link, and when a lookup or
 * getattr finds that the text changed since, it tells the client kernel to forget the inode's
 * cached text before the reply; the next readlink then asks again.
 */
final class VolatileLinks {
    private static final int PATH_MAX = 4096;
    private static final ThreadLocal<MemorySegment> BUFFER =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(Math.max(PATH_MAX, Notify.INVAL_INODE_SIZE), 8));

    private VolatileLinks() {}

    /** Whether {@code inode}'s text must be watched this way. */
    static boolean watched(Inode inode) {
        return inode.volatileContent && inode.type == Statx.S_IFLNK;
    }

    /** A READLINK answered {@code length} bytes of text at {@code text}: what the client kernel now caches. */
    static void served(Inode inode, MemorySegment text, long length) {
        if (watched(inode)) inode.servedLinkText = text.asSlice(0, length).toArray(JAVA_BYTE);
    }

    /**
     * Before a reply that hands {@code inode}'s attributes to the client: if the client may
     * cache a text that is no longer the link's, it is told to forget it.
     */
    static void revalidate(Request r, Inode inode) {
        byte[] served = inode.servedLinkText;
        if (served == null || !watched(inode)) return;
        MemorySegment buf = BUFFER.get();
        byte[] now;
        try {
            long n = PathCalls.readlinkat(inode.fd(), Dots.EMPTY, buf, PATH_MAX);
            now = buf.asSlice(0, n).toArray(JAVA_BYTE);
        } catch (ErrnoException e) {
            now = null;   // unreadable now (process gone, or not the caller's to read): forget it too
        }
        if (Arrays.equals(served, now)) return;
        inode.servedLinkText = null;
        r.notifications.send(buf.asSlice(0, Notify.invalInode(buf, inode.nodeId, 0, 0)));
    }
}
