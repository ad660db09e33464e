package qtfs.server.fs;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import qtfs.sys.ErrnoException;
import qtfs.sys.Xattrs;

/**
 * The nodes found, while one request was served, to have no extended attributes at all: the
 * daemon tells the client (NO_XATTRS), which then answers getxattr and listxattr for them
 * itself while it caches their attributes. `ls -l` asks two attributes of every file, which
 * are nearly always absent.
 *
 * <p>Only a listing made as root counts: listxattr hides trusted.* from other callers, and
 * the hint is about the node, whoever asks next. Only file systems whose listxattr names
 * every attribute take part, and no volatile ones (no caching there). One per thread, reused.
 */
public final class XattrHints {
    private long[] nodes = new long[64];
    private int count;

    /** Nodes noted since the last {@link #clear}. */
    public int count() {
        return count;
    }

    /** The noted node ids, in the first {@link #count} elements. */
    public long[] nodes() {
        return nodes;
    }

    public void clear() {
        count = 0;
    }

    /** Notes {@code inode} (reachable as descriptor {@code fd}) if it has no extended attributes. */
    void noteIfNone(Request r, Inode inode, int fd) {
        if (r.uid != 0 || inode.volatileContent || !inode.fsKind.xattrsListed()) return;
        try {
            if (Xattrs.list(fd, MemorySegment.NULL, 0) == 0) add(inode.nodeId);
        } catch (ErrnoException e) {
            // unreadable list: say nothing
        }
    }

    private void add(long nodeId) {
        if (count == nodes.length) nodes = Arrays.copyOf(nodes, count * 2);
        nodes[count++] = nodeId;
    }
}
