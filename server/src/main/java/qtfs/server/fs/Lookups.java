package qtfs.server.fs;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

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

    /**
     * Looks up the {@code length}-byte name {@code cString} (NUL-terminated) in the directory
     * {@code parent}, held open as {@code dirFd}; the result is held by {@code r}.
     */
    Found child(Request r, Inode parent, int dirFd, MemorySegment cString, int length) throws ErrnoException {
        int fd = FileIo.openat(dirFd, cString, OpenFlags.O_PATH | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0);
        return remember(r, fd, parent, cString.asSlice(0, length).toArray(JAVA_BYTE));
    }

    Found child(Request r, Inode parent, Name name) throws ErrnoException {
        return child(r, parent, parent.fd(), name.cString(), name.length());
    }

    /** "." or "..": the directory itself or its parent, remembered without a name. */
    Found dots(Request r, Inode parent, MemorySegment dots) throws ErrnoException {
        int fd = FileIo.openat(parent.fd(), dots, OpenFlags.O_PATH | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0);
        return remember(r, fd, null, null);
    }

    /**
     * The inode an open descriptor refers to, as a new kernel reference: after CREATE (with the
     * name it was created under) or TMPFILE (no name).
     */
    Found ofOpenFile(Request r, Inode parent, Name name, int openFd) throws ErrnoException {
        return remember(r, ProcSelf.reopen(openFd, OpenFlags.O_PATH), parent, name == null ? null : name.bytes());
    }

    /** One more kernel reference to an inode the request holds already (LINK's answer), with fresh attributes. */
    Found again(Inode inode) throws ErrnoException, FuseError {
        Statx st = Statx.of(inode.fd());
        if (!store.addLookup(inode)) throw new FuseError(qtfs.sys.Errno.ESTALE, "node " + inode.nodeId + " was forgotten");
        return new Found(inode, st);
    }

    private Found remember(Request r, int fd, Inode parent, byte[] name) throws ErrnoException {
        Statx st;
        try {
            st = Statx.of(fd);
        } catch (ErrnoException e) {
            FileIo.closeQuietly(fd);
            throw e;
        }
        return new Found(r.hold(store.remember(fd, st, parent, name)), st);
    }
}
