package qtfs.server.fs;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import qtfs.fuse.proto.IoctlIn;
import qtfs.fuse.proto.Notify;
import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.FileIo;
import qtfs.sys.MountCalls;
import qtfs.sys.NativeStrings;
import qtfs.sys.OpenFlags;
import qtfs.wire.ProtocolException;
import qtfs.wire.RemoteMount;

/**
 * Mounts and unmounts on the server asked for by a client ({@link RemoteMount}, carried by
 * an ioctl on the directory holding the target). Only a root caller may, only under a
 * [Mount] entry inside the export ({@link qtfs.server.whitelist.Whitelist#allowsRemoteMount},
 * judged on the canonical server path), and only new mounts of a file system type: bind and
 * move mounts would take a server path the whitelist never judged as source. The mount runs
 * as the caller, which for root means with the daemon's capabilities (CAP_SYS_ADMIN in the
 * daemon's mount namespace). The answer is an errno and a sentence, and the client's kernel
 * is told to forget the target's name, so that its next lookup finds the new mount (or the
 * directory under the removed one).
 */
final class RemoteMounts {
    private static final Logger LOG = System.getLogger(RemoteMounts.class.getName());
    private static final long ALLOWED_MOUNT_FLAGS = MountCalls.MS_RDONLY | MountCalls.MS_NOSUID | MountCalls.MS_NODEV
            | MountCalls.MS_NOEXEC | MountCalls.MS_SYNCHRONOUS | MountCalls.MS_DIRSYNC | MountCalls.MS_NOSYMFOLLOW
            | MountCalls.MS_NOATIME | MountCalls.MS_NODIRATIME | MountCalls.MS_SILENT | MountCalls.MS_RELATIME
            | MountCalls.MS_STRICTATIME | MountCalls.MS_LAZYTIME;
    private static final int ALLOWED_UNMOUNT_FLAGS = MountCalls.MNT_FORCE;

    private final String exportPath;
    private final AccessPolicy policy;

    RemoteMounts(String exportPath, AccessPolicy policy) {
        this.exportPath = exportPath;
        this.policy = policy;
    }

    /** Serves the request in {@code arg} ({@link RemoteMount#ARG_SIZE} bytes) for directory {@code dir}. */
    int serve(Request r, Inode dir, MemorySegment arg) throws ErrnoException {
        RemoteMount.Outcome outcome;
        try {
            outcome = run(r, dir, RemoteMount.decode(arg.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN)));
        } catch (ProtocolException e) {
            outcome = new RemoteMount.Outcome(Errno.EINVAL, "malformed request: " + e.getMessage());
        }
        IoctlIn.writeOut(r.out(), 0, -outcome.errno());
        MemorySegment.copy(MemorySegment.ofBuffer(outcome.encode()), 0, r.out(), IoctlIn.OUT_SIZE, RemoteMount.ARG_SIZE);
        return r.ok(IoctlIn.OUT_SIZE + RemoteMount.ARG_SIZE);
    }

    private RemoteMount.Outcome run(Request r, Inode dir, RemoteMount m) throws ErrnoException {
        ServerPaths.Location where = ServerPaths.of(dir).child(m.name());
        boolean mount = m.operation() == RemoteMount.Operation.MOUNT;
        String what = mount ? "mount " + m.type() + " " + (m.source().isEmpty() ? "''" : m.source()) + " on "
                + where.describe() : "unmount " + where.describe();
        if (r.uid != 0) {
            LOG.log(Level.INFO, () -> "refused to " + what + " for uid " + Integer.toUnsignedString(r.uid) + ": not root");
            return new RemoteMount.Outcome(Errno.EPERM, "only root may mount or unmount on the server");
        }
        try {
            policy.requireRemoteMount(exportPath, where);
        } catch (FuseError e) {
            return new RemoteMount.Outcome(Errno.EACCES, where.describe() + " is not under a [Mount] path inside the export "
                    + exportPath + " in the server's whitelist");
        }
        long badFlags = mount ? m.flags() & ~ALLOWED_MOUNT_FLAGS : m.flags() & ~ALLOWED_UNMOUNT_FLAGS;
        if (badFlags != 0)
            return refused(what, Errno.EINVAL, "flags 0x" + Long.toHexString(badFlags) + " are not allowed"
                    + (mount ? ": only new mounts of a file system type, no bind, move or remount" : ""));
        try (Arena arena = Arena.ofConfined()) {
            // the walk to the name crosses into what is mounted there, as the client's lookup would
            int target = FileIo.openat(dir.fd(), NativeStrings.cString(arena, m.name()),
                    OpenFlags.O_PATH | OpenFlags.O_NOFOLLOW | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0);
            try {
                String fdPath = "/proc/self/fd/" + target;
                if (mount) MountCalls.mount(m.source(), fdPath, m.type(), m.flags(), m.data().isEmpty() ? null : m.data());
                // the daemon's own descriptors of the client's files keep every mount busy: detach it
                else MountCalls.umount2(fdPath, (int) m.flags() | MountCalls.MNT_DETACH);
            } finally {
                FileIo.closeQuietly(target);
            }
        } catch (ErrnoException e) {
            String reason = e.is(Errno.ENODEV) && mount ? "unknown file system type '" + m.type() + "'"
                    : e.is(Errno.EINVAL) && !mount ? "not a mount point"
                    : e.is(Errno.ENOTDIR) ? "not a directory"
                    : Errno.describe(e.errno());
            return refused(what, e.errno(), reason);
        }
        LOG.log(Level.INFO, () -> "did " + what + " for the client");
        forgetName(r, dir, m.name());
        return new RemoteMount.Outcome(0, "");
    }

    private static RemoteMount.Outcome refused(String what, int errno, String reason) {
        LOG.log(Level.INFO, () -> "could not " + what + ": " + reason);
        return new RemoteMount.Outcome(errno, "cannot " + what + ": " + reason);
    }

    /** Tells the client's kernel to look {@code name} in {@code dir} up again. */
    private static void forgetName(Request r, Inode dir, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(Notify.INVAL_ENTRY_HEADER_SIZE + bytes.length + 1, 8);
            r.notifications.send(m.asSlice(0, Notify.invalEntry(m, dir.nodeId, bytes)));
        }
    }
}
