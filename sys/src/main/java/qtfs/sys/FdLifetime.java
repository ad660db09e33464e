package qtfs.sys;

import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;

/**
 * Keeps a descriptor open while calls on it are in flight. Closing a descriptor that another
 * thread is blocked on neither wakes that thread nor is safe (the number may be reused at
 * once), so {@link #close} wakes the blocked calls and the last one to leave releases the
 * descriptor.
 */
final class FdLifetime {
    private final Runnable wake;
    private final Runnable release;
    private int inFlight;
    private boolean closed;

    /**
     * @param wake    makes blocked calls return (e.g. shutdown of a socket); run at most once, while the descriptor is still open
     * @param release closes the descriptor(s); run exactly once, when closed and no call is in flight
     */
    FdLifetime(Runnable wake, Runnable release) {
        this.wake = wake;
        this.release = release;
    }

    /** Enters a call; every successful enter must be followed by {@link #leave}. */
    synchronized void enter() throws ClosedChannelException {
        if (closed) throw new ClosedChannelException();
        inFlight++;
    }

    void leave() {
        boolean last;
        synchronized (this) {
            last = --inFlight == 0 && closed;
        }
        if (last) release.run();
    }

    /** Throws when the descriptor was closed while the caller's call was in flight. */
    synchronized void checkNotClosed() throws AsynchronousCloseException {
        if (closed) throw new AsynchronousCloseException();
    }

    synchronized boolean isOpen() {
        return !closed;
    }

    void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
            if (inFlight > 0) {
                // under the lock, so the descriptor cannot be released (and its number reused) meanwhile
                wake.run();
                return;
            }
        }
        release.run();
    }
}
