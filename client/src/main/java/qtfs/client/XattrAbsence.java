package qtfs.client;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

import qtfs.fuse.proto.Le;
import qtfs.fuse.proto.Notify;
import qtfs.fuse.proto.OutHeader;

/**
 * Nodes the server said have no extended attributes (NO_XATTRS), for as long as the kernel may
 * cache their attributes: meanwhile the client answers getxattr (ENODATA) and listxattr
 * (empty) for them itself. `ls -l` asks for two attributes of every file; answered here, a
 * listing of 10000 files saves 20000 round trips to the server.
 *
 * <p>Coherence is that of attributes. Changes made through this mount show at once: a SETXATTR
 * or REMOVEXATTR drops the node, and for one timeout no hint about it is believed (a hint may
 * have been made before the change and arrive after it). Changes made elsewhere come as the
 * server's invalidation of the node, which does the same.
 */
final class XattrAbsence {
    /** Past this many entries, expired ones are swept out. */
    private static final int SWEEP_ABOVE = 1 << 16;

    private final long ttlNanos;
    /** node id → System.nanoTime until which it is known to have no extended attributes */
    private final ConcurrentHashMap<Long, Long> absentUntil = new ConcurrentHashMap<>();
    /** node id → System.nanoTime until which hints about it are ignored (changed through this mount) */
    private final ConcurrentHashMap<Long, Long> changedUntil = new ConcurrentHashMap<>();

    XattrAbsence(Duration attrTimeout) {
        this.ttlNanos = attrTimeout.toNanos();
    }

    /** Whether hints are of any use: not when attributes are not cached at all. */
    boolean enabled() {
        return ttlNanos > 0;
    }

    /** The server found {@code nodeIds} without extended attributes. */
    void learned(long[] nodeIds) {
        if (!enabled()) return;
        long now = System.nanoTime();
        long until = now + ttlNanos;
        if (absentUntil.size() > SWEEP_ABOVE) sweep(now);
        for (long node : nodeIds) {
            if (!changedUntil.isEmpty()) {
                Long changed = changedUntil.get(node);
                if (changed != null) {
                    if (now - changed < 0) continue;
                    changedUntil.remove(node, changed);
                }
            }
            absentUntil.put(node, until);
        }
    }

    /** Whether {@code node} is known, now, to have no extended attributes. */
    boolean absent(long node) {
        if (absentUntil.isEmpty()) return false;
        Long until = absentUntil.get(node);
        if (until == null) return false;
        if (System.nanoTime() - until < 0) return true;
        absentUntil.remove(node, until);
        return false;
    }

    /** A request through this mount may change the extended attributes of {@code node}. */
    void changing(long node) {
        if (!enabled()) return;
        absentUntil.remove(node);
        changedUntil.put(node, System.nanoTime() + ttlNanos);
    }

    /** A notification from the server (header and body): a node whose attributes it invalidates is dropped. */
    void notified(MemorySegment notification) {
        if (notification.byteSize() >= Notify.INVAL_INODE_SIZE && Notify.code(notification) == Notify.INVAL_INODE) {
            changing(notification.get(Le.U64, OutHeader.SIZE));
        }
    }

    /** The kernel forgot {@code node}: its id is never used again. */
    void forget(long node) {
        if (!absentUntil.isEmpty()) absentUntil.remove(node);
    }

    private void sweep(long now) {
        absentUntil.values().removeIf(until -> now - until >= 0);
        changedUntil.values().removeIf(until -> now - until >= 0);
    }
}
