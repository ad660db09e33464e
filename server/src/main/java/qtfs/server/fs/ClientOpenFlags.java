package qtfs.server.fs;

import qtfs.fuse.proto.InitFlags;
import qtfs.fuse.proto.InitParams;
import qtfs.sys.Arch;
import qtfs.sys.OpenFlags;

/**
 * Turns the open(2) flags a client sent into the flags the server opens with. The client's
 * kernel may be another architecture (an aarch64 DPU in front of an x86_64 host): four flag
 * bits are numbered differently there and are translated. Flags that only make sense for
 * the caller's own open (creation, no-follow, controlling tty, close-on-exec) are dropped,
 * and so is O_DIRECT: the client kernel already bypasses its page cache for such a file
 * (FOPEN_DIRECT_IO), while the server's transfers go from and into request and reply buffers
 * that meet no alignment rule, where an O_DIRECT descriptor answers EINVAL.
 */
final class ClientOpenFlags {
    private final Arch client;
    private final boolean writebackCache;

    ClientOpenFlags(Arch client, InitParams init) {
        this.client = client;
        this.writebackCache = init.has(InitFlags.WRITEBACK_CACHE);
    }

    /** The client's flags in this machine's numbering, every bit kept. */
    int toLocal(int flags) {
        Arch local = Arch.current();
        if (client == local) return flags;
        int archBits = client.oDirect() | client.oDirectory() | client.oNofollow() | client.oLargefile();
        int out = flags & ~archBits;
        if ((flags & client.oDirect()) != 0) out |= local.oDirect();
        if ((flags & client.oDirectory()) != 0) out |= local.oDirectory();
        if ((flags & client.oNofollow()) != 0) out |= local.oNofollow();
        if ((flags & client.oLargefile()) != 0) out |= local.oLargefile();
        return out;
    }

    /** Flags for reopening a looked-up inode (OPEN) or creating one (CREATE adds O_CREAT itself). */
    int forOpen(int clientFlags) {
        int flags = toLocal(clientFlags)
                & ~(OpenFlags.O_CREAT | OpenFlags.O_EXCL | OpenFlags.O_NOCTTY | OpenFlags.O_NOFOLLOW | OpenFlags.O_DIRECT);
        if (writebackCache) {
            // The client kernel caches writes and may read back pages of a write-only file; it
            // also computes append offsets itself.
            if ((flags & OpenFlags.O_ACCMODE) == OpenFlags.O_WRONLY) flags = (flags & ~OpenFlags.O_ACCMODE) | OpenFlags.O_RDWR;
            flags &= ~OpenFlags.O_APPEND;
        }
        return flags | OpenFlags.O_CLOEXEC;
    }

    /** Whether the caller asked for O_DIRECT (the reply then disables the client page cache). */
    boolean direct(int clientFlags) {
        return (toLocal(clientFlags) & OpenFlags.O_DIRECT) != 0;
    }
}
