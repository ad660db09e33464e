package qtfs.server.fs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;

import qtfs.fuse.proto.Notify;
import qtfs.sys.ErrnoException;
import qtfs.sys.NativeStrings;
import qtfs.sys.OpenFlags;
import qtfs.sys.Statx;

/**
 * What a client kernel must forget when one of its processes gets a lock, so that the process
 * sees what the previous holder did, be it another client or a server process: the locked
 * file's cached data and attributes, and cached names in the file's directory that no longer
 * lead where they did (a database's journal deleted, or replaced, meanwhile). NFS revalidates
 * its caches when it takes a lock; the FUSE kernel has no such step, so the server sends the
 * invalidations ahead of the lock's reply.
 */
final class LockRevalidation {
    private static final int NAME_MAX = 255;
    private static final ThreadLocal<MemorySegment> MESSAGE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(Notify.INVAL_ENTRY_HEADER_SIZE + NAME_MAX + 1, 8));

    private final InodeStore inodes;

    LockRevalidation(InodeStore inodes) {
        this.inodes = inodes;
    }

    /** {@code r} got a lock on {@code locked}: tells the client what to forget. */
    void lockTaken(Request r, Inode locked) {
        MemorySegment m = MESSAGE.get();
        r.notifications.send(m.asSlice(0, Notify.invalInode(m, locked.nodeId, 0, 0)));
        Inode.ParentLink link = locked.parentLink;
        if (link == null || !link.parent().acquire()) return;
        Inode dir = link.parent();
        try (Arena arena = Arena.ofConfined()) {
            Set<Inode> children = inodes.childrenOf(dir);
            for (Inode child : children) {
                Inode.ParentLink found = child.parentLink;
                if (found == null || found.parent() != dir) {
                    children.remove(child);   // found elsewhere since
                } else if (!stillThere(arena, dir, found.name(), child)) {
                    r.notifications.send(m.asSlice(0, Notify.invalEntry(m, dir.nodeId, found.name())));
                    children.remove(child);   // the client forgets the name; a new lookup places it again
                }
            }
        } finally {
            dir.release();
        }
    }

    private static boolean stillThere(Arena arena, Inode dir, byte[] name, Inode child) {
        try {
            Statx st = Statx.at(dir.fd(), NativeStrings.cString(arena, name), OpenFlags.AT_SYMLINK_NOFOLLOW);
            return st.dev() == child.key.dev() && st.ino() == child.key.ino();
        } catch (ErrnoException e) {
            return false;
        }
    }
}
