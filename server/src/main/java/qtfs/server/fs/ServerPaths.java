package qtfs.server.fs;

import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;

import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.FileIo;
import qtfs.sys.NativeStrings;
import qtfs.sys.OpenFlags;
import qtfs.sys.ProcSelf;
import qtfs.sys.Statx;

/**
 * Where an inode is on the server, as a path the whitelist can judge: the kernel's own path
 * of the descriptor. A path longer than PATH_MAX cannot be read that way (the client's path
 * fits, the export prefix pushes it over); then the deepest ancestor whose path can be read
 * stands in for it, marked as truncated: a whitelist entry covering the ancestor covers
 * everything below it.
 */
final class ServerPaths {
    private ServerPaths() {}

    /** A path, or with {@code truncated} the path of an ancestor of the real location. */
    record Location(String path, boolean truncated) {
        Location child(Name name) {
            return child(name.toString());
        }

        Location child(String name) {
            return truncated ? this : new Location((path.endsWith("/") ? path : path + "/") + name, false);
        }

        /** For messages. */
        String describe() {
            return truncated ? path + "/... (deeper than PATH_MAX)" : path;
        }
    }

    private static final int MAX_DEPTH = 4096;

    static Location of(Inode inode) throws ErrnoException {
        try {
            String path = read(inode.fd());
            if (inode.pathUnverified()) verify(inode, path);
            return new Location(path, false);
        } catch (ErrnoException e) {
            if (!e.is(Errno.ENAMETOOLONG)) throw e;
        }
        // Walking up may cross directories the caller cannot search; it only reads names.
        return CallerIdentity.asServer(() -> inode.type == Statx.S_IFDIR ? viaDotDot(inode.fd()) : viaParent(inode));
    }

    static Location of(Inode parent, Name name) throws ErrnoException {
        return of(parent).child(name);
    }

    /**
     * A file reopened by handle may be disconnected from the tree, and then its magic link
     * names no real place: believe the path only if it leads to the inode itself.
     */
    private static void verify(Inode inode, String path) throws ErrnoException {
        Statx st;
        try (Arena arena = Arena.ofConfined()) {
            st = CallerIdentity.asServer(() -> Statx.at(OpenFlags.AT_FDCWD, NativeStrings.cString(arena, path),
                    OpenFlags.AT_SYMLINK_NOFOLLOW));
        } catch (ErrnoException e) {
            st = null;
        }
        if (st == null || st.dev() != inode.key.dev() || st.ino() != inode.key.ino())
            throw new ErrnoException("readlink", Errno.ESTALE, "(node " + inode.nodeId + ": moved on the server, its path is unknown)");
    }

    private static String read(int fd) throws ErrnoException {
        return new String(ProcSelf.pathOf(fd), StandardCharsets.UTF_8);
    }

    private static Location viaDotDot(int dirFd) throws ErrnoException {
        int current = -1;
        try {
            for (int depth = 0; depth < MAX_DEPTH; depth++) {
                int up = FileIo.openat(current < 0 ? dirFd : current, Dots.DOTDOT,
                        OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0);
                FileIo.closeQuietly(current);
                current = up;
                try {
                    return new Location(read(current), true);
                } catch (ErrnoException e) {
                    if (!e.is(Errno.ENAMETOOLONG)) throw e;
                }
            }
            throw new ErrnoException("readlink", Errno.ENAMETOOLONG, "(no readable ancestor)");
        } finally {
            FileIo.closeQuietly(current);
        }
    }

    /**
     * A file has no ".." to climb: use the directory it was last found in, after checking
     * that the name there still leads to this very inode.
     */
    private static Location viaParent(Inode inode) throws ErrnoException {
        Inode.ParentLink link = inode.parentLink;
        if (link == null || !link.parent().acquire())
            throw new ErrnoException("readlink", Errno.ENAMETOOLONG, "(node " + inode.nodeId + ": no known parent)");
        try (Arena arena = Arena.ofConfined()) {
            Statx st = Statx.at(link.parent().fd(), NativeStrings.cString(arena, link.name()), OpenFlags.AT_SYMLINK_NOFOLLOW);
            if (st.dev() != inode.key.dev() || st.ino() != inode.key.ino())
                throw new ErrnoException("readlink", Errno.ENAMETOOLONG, "(node " + inode.nodeId + " moved)");
            return of(link.parent()).child(new String(link.name(), StandardCharsets.UTF_8));
        } finally {
            link.parent().release();
        }
    }
}
