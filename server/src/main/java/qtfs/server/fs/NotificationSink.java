package qtfs.server.fs;

import java.lang.foreign.MemorySegment;

/**
 * Where {@link FileSystemSession#handle} puts FUSE notifications for the client (a
 * fuse_out_header with unique 0 and the notify code, then its body) that must reach the
 * client's kernel before the reply being prepared: the daemon sends each at once, on the
 * connection that carries the reply.
 */
@FunctionalInterface
public interface NotificationSink {
    /** Drops every notification: for callers with no client kernel to tell. */
    NotificationSink NONE = notification -> { };

    /** Sends {@code notification}; it is valid only during the call. */
    void send(MemorySegment notification);
}
