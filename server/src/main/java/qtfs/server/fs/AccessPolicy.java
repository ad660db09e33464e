package qtfs.server.fs;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;

import qtfs.fuse.proto.Opcode;
import qtfs.server.whitelist.Section;
import qtfs.server.whitelist.Whitelist;
import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.ProcSelf;

/**
 * The one place where the whitelist gates operations. Paths are the server's own idea of
 * where the target is (the kernel's path of the descriptor, plus the new name), never a
 * string the client sent, so no spelling of a path gets around an entry.
 */
final class AccessPolicy {
    private static final Logger LOG = System.getLogger(AccessPolicy.class.getName());

    private final Whitelist whitelist;

    AccessPolicy(Whitelist whitelist) {
        this.whitelist = whitelist;
    }

    /** The canonical server path of {@code inode}. */
    static String pathOf(Inode inode) throws ErrnoException {
        return new String(ProcSelf.pathOf(inode.fd), StandardCharsets.UTF_8);
    }

    /** The canonical server path of {@code name} in directory {@code parent} (the final name not resolved). */
    static String pathOf(Inode parent, Name name) throws ErrnoException {
        String dir = pathOf(parent);
        return (dir.endsWith("/") ? dir : dir + "/") + name;
    }

    /** Answers EACCES (and logs) unless every one of {@code sections} allows {@code path}. */
    void require(Opcode op, String path, Section... sections) throws FuseError {
        for (Section section : sections) {
            if (!whitelist.allows(section, path)) {
                LOG.log(Level.INFO, () -> "denied " + op + " on " + path + ": not in [" + section.title + "]");
                throw new FuseError(Errno.EACCES, "not in [" + section.title + "]");
            }
        }
    }

    void require(Opcode op, Inode inode, Section... sections) throws FuseError, ErrnoException {
        require(op, pathOf(inode), sections);
    }

    void require(Opcode op, Inode parent, Name name, Section... sections) throws FuseError, ErrnoException {
        require(op, pathOf(parent, name), sections);
    }
}
