package qtfs.server.fs;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

import qtfs.fuse.proto.Opcode;
import qtfs.server.whitelist.Section;
import qtfs.server.whitelist.Whitelist;
import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;

/**
 * The one place where the whitelist gates operations. Paths are the server's own idea of
 * where the target is ({@link ServerPaths}: the kernel's path of the descriptor, plus the
 * new name), never a string the client sent, so no spelling of a path gets around an entry.
 */
final class AccessPolicy {
    private static final Logger LOG = System.getLogger(AccessPolicy.class.getName());

    private final Whitelist whitelist;

    AccessPolicy(Whitelist whitelist) {
        this.whitelist = whitelist;
    }

    /** Answers EACCES (and logs) unless every one of {@code sections} allows {@code target}. */
    void require(Opcode op, ServerPaths.Location target, Section... sections) throws FuseError {
        for (Section section : sections) {
            if (!whitelist.allows(section, target.path())) {
                LOG.log(Level.INFO, () -> "denied " + op + " on " + target.describe() + ": not in [" + section.title + "]");
                throw new FuseError(Errno.EACCES, "not in [" + section.title + "]");
            }
        }
    }

    /** Answers EACCES (and logs) unless a client of {@code exportPath} may mount or unmount on {@code target}. */
    void requireRemoteMount(String exportPath, ServerPaths.Location target) throws FuseError {
        if (target.truncated() || !whitelist.allowsRemoteMount(exportPath, target.path())) {
            LOG.log(Level.INFO, () -> "denied a remote mount on " + target.describe() + ": not under a [Mount] path inside "
                    + exportPath);
            throw new FuseError(Errno.EACCES, "not under a [Mount] path inside the export");
        }
    }

    /** The same for the inode itself. */
    void require(Opcode op, Inode inode, Section... sections) throws FuseError, ErrnoException {
        require(op, ServerPaths.of(inode), sections);
    }

    /** The same for {@code name} in directory {@code parent} (the name need not exist). */
    void require(Opcode op, Inode parent, Name name, Section... sections) throws FuseError, ErrnoException {
        require(op, ServerPaths.of(parent, name), sections);
    }
}
