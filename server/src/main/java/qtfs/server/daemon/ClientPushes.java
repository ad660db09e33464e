package qtfs.server.daemon;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CopyOnWriteArrayList;

import qtfs.server.fs.PushChannel;
import qtfs.transport.Connection;
import qtfs.wire.FrameType;

/**
 * The live connections of one mount session, for the invalidations its file system sends
 * unasked: each goes out as a FUSE_NOTIFY frame on the first connection that takes it. Remembers
 * which connection carried them, since a connection that ends may have taken some with it.
 */
final class ClientPushes implements PushChannel {
    private static final System.Logger LOG = System.getLogger(ClientPushes.class.getName());

    private final int mountId;
    private final CopyOnWriteArrayList<Connection> live = new CopyOnWriteArrayList<>();
    private volatile Connection carrier;

    ClientPushes(int mountId) {
        this.mountId = mountId;
    }

    /** {@code c} is attached and its client has been told so: notifications may go on it. */
    void added(Connection c) {
        live.add(c);
    }

    /** {@code c} is gone; true when notifications went on it (they may not all have arrived). */
    boolean removed(Connection c) {
        live.remove(c);
        return carrier == c;
    }

    @Override
    public boolean send(MemorySegment notification) {
        for (Connection c : live) {
            try {
                carrier = c;
                c.send(FrameType.FUSE_NOTIFY, mountId, 0, notification.asByteBuffer());
                return true;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "invalidation to {0} failed: {1}", c.peer(), e.getMessage());
            }
        }
        return false;
    }
}
