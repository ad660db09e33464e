package qtfs.server.fs;

import java.lang.foreign.MemorySegment;

import qtfs.sys.ErrnoException;
import qtfs.sys.FileIo;
import qtfs.sys.OpenFlags;
import qtfs.sys.ProcSelf;
import qtfs.sys.Statx;

/**
 * Finding inodes one component at a time: openat(O_PATH|O_NOFOLLOW) relative to a directory
 * descriptor, so a symlink on the server is returned as a symlink (the client kernel follows
 * it) and no path is ever rebuilt from strings.
 */
final class Lookups {
    private final InodeStore store;

    Lookups(InodeStore store) {
        this.store = store;
    }

    /** An inode with one more kernel reference (it goes into a reply) and its attributes. */
    record Found(Inode inode, Statx stat) {}

    /** Looks up {@code name} (a C string) in the directory held by {@code dirFd}; the result is held by {@code r}. */
    Found child(Request r, Inode parent, int dirFd, MemorySegment name) throws ErrnoException {
        int fd = FileIo.openat(dirFd, name, OpenFlags.O_PATH | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0);
        return remember(r, fd, parent);
    }

    Found child(Request r, Inode parent, Name name) throws ErrnoException {
        return child(r, parent, parent.fd, name.cString());
    }

    /** The inode an open descriptor refers to (after CREATE or TMPFILE), as a new kernel reference. */
    Found ofOpenFile(Request r, Inode parent, int openFd) throws ErrnoException {
        return remember(r, ProcSelf.reopen(openFd, OpenFlags.O_PATH), parent);
    }

    /** One more kernel reference to an inode the request holds already (LINK's answer), with fresh attributes. */
    Found again(Inode inode) throws ErrnoException, FuseError {
        Statx st = Statx.of(inode.fd);
        if (!store.addLookup(inode)) throw new FuseError(qtfs.sys.Errno.ESTALE, "node " + inode.nodeId + " was forgotten");
        return new Found(inode, st);
    }

    private Found remember(Request r, int fd, Inode parent) throws ErrnoException {
        Statx st;
        try {
            st = Statx.of(fd);
        } catch (ErrnoException e) {
            FileIo.closeQuietly(fd);
            throw e;
        }
        return new Found(r.hold(store.remember(fd, st, parent)), st);
    }
}
