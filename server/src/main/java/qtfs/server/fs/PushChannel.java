package qtfs.server.fs;

import java.lang.foreign.MemorySegment;

/**
 * Where a session sends the notifications nobody asked for (a change made elsewhere): one of
 * the live connections of its client, whichever.
 */
@FunctionalInterface
public interface PushChannel {
    /** Drops every notification (a session without a client kernel, in tests). */
    PushChannel NONE = notification -> false;

    /**
     * Sends {@code notification} (valid only during the call); false when it could not be
     * sent: the session has no live connection now, or the connection failed.
     */
    boolean send(MemorySegment notification);
}
