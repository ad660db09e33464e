package qtfs.server.daemon;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CopyOnWriteArrayList;

import qtfs.server.fs.NotificationSink;
import qtfs.transport.Connection;
import qtfs.wire.FrameType;

/**
 * Sends a session's notifications that answer no request (poll wake-ups) on one of its live
 * connections: any will do, the client hands every notification to the same kernel. With no
 * connection (the client is reconnecting) a notification is lost; the kernel polls again
 * when its caller does.
 */
final class SessionNotifier implements NotificationSink {
    private static final System.Logger LOG = System.getLogger(SessionNotifier.class.getName());

    private final int mountId;
    private final CopyOnWriteArrayList<Connection> connections = new CopyOnWriteArrayList<>();

    SessionNotifier(int mountId) {
        this.mountId = mountId;
    }

    void connected(Connection c) {
        connections.add(c);
    }

    void disconnected(Connection c) {
        connections.remove(c);
    }

    @Override
    public void send(MemorySegment notification) {
        for (Connection c : connections) {
            try {
                c.send(FrameType.FUSE_NOTIFY, mountId, 0, notification.asByteBuffer());
                return;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "notification to {0} failed, trying another connection: {1}", c.peer(),
                        e.getMessage());
            }
        }
    }
}
