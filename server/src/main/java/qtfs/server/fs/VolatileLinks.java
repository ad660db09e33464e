package qtfs.server.fs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import qtfs.fuse.proto.Notify;
import qtfs.sys.Statx;

/**
 * Symlinks on volatile file systems ({@code /proc/PID/fd/N}, {@code /proc/PID/cwd},
 * {@code /proc/PID/exe}) change their text while inode and attributes stay: a process reopens
 * descriptor 3 on another file, changes directory. The client kernel caches a symlink's text
 * (FUSE_CACHE_SYMLINKS) until told to forget it, and a changed attribute does not make it
 * forget a symlink's. So each READLINK of such a link is followed by a notification that
 * drops the text the kernel is reading: the next walk through the link asks again. The order
 * of the two does not matter: the kernel holds the text's page locked until the READLINK reply
 * has filled it, and the invalidation waits for that lock.
 */
final class VolatileLinks {
    private static final ThreadLocal<MemorySegment> MESSAGE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(Notify.INVAL_INODE_SIZE, 8));

    private VolatileLinks() {}

    /** Whether the client must not keep {@code inode}'s text. */
    static boolean watched(Inode inode) {
        return inode.volatileContent && inode.type == Statx.S_IFLNK;
    }

    /** {@code r}, a READLINK of {@code inode}, is answered: the client forgets the text once it has it. */
    static void served(Request r, Inode inode) {
        if (!watched(inode)) return;
        MemorySegment m = MESSAGE.get();
        r.notifications.send(m.asSlice(0, Notify.invalInode(m, inode.nodeId, 0, 0)));
    }
}
