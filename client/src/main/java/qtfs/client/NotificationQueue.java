package qtfs.client;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;

import qtfs.fuse.FuseSession;

/**
 * Hands the server's notifications to the kernel, and the replies that must come after them,
 * in the order they arrived, on a thread of its own. Not on a link's receiver thread: the
 * kernel may hold a notification until a request finishes (invalidating a name waits for its
 * directory, invalidating data for pages being read), and that request's reply may be the
 * next one the receiver reads.
 */
final class NotificationQueue {
    private static final System.Logger LOG = System.getLogger(NotificationQueue.class.getName());

    private final LinkedBlockingQueue<MemorySegment> messages = new LinkedBlockingQueue<>();
    private final FuseSession session;
    private final Thread thread;

    NotificationQueue(FuseSession session) {
        this.session = session;
        this.thread = Thread.ofPlatform().name("qtfs-notifications").daemon().start(this::deliver);
    }

    /** Queues a copy of {@code message} (a notification, or a reply) behind everything queued before. */
    void add(ByteBuffer message) {
        byte[] copy = new byte[message.remaining()];
        message.duplicate().get(copy);
        messages.add(MemorySegment.ofArray(copy));
    }

    private void deliver() {
        try {
            while (true) {
                MemorySegment message = messages.take();
                try {
                    session.reply(message);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "the kernel refused a message from the server: {0}", e.getMessage());
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    void close() {
        thread.interrupt();
    }
}
