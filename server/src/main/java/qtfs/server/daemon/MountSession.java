package qtfs.server.daemon;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import qtfs.server.fs.FileSystemSession;
import qtfs.transport.Connection;
import qtfs.wire.Architecture;

/**
 * One client mount: the file system serving it and the connections attached to it. Once its
 * last connection is gone it waits a grace period for the client to attach again (a dropped
 * link, a client reconnecting); then it ends (and its file system closes, dropping every fd
 * and lock) as soon as no request of it is still being served.
 */
final class MountSession {
    final int mountId;
    final long token;
    final String exportPath;
    /** The client's architecture: every connection of the session comes from the same kernel. */
    final Architecture architecture;
    final FileSystemSession fs;
    final ReplyCache replies = new ReplyCache();
    final HandleQuota handleQuota = new HandleQuota();
    private final ClientPushes pushes;
    private final Consumer<MountSession> onEnd;
    private final Duration grace;
    private final ScheduledExecutorService timer;

    private int connections = 1;
    private int inFlight;
    private boolean ended;
    /** Ended waiting for the client: set when the grace period after the last connection passed. */
    private boolean abandoned;
    private ScheduledFuture<?> graceTimer;
    /** Uniques of requests waiting for other processes (SETLKW, FIFO waits), so an abandoned session can stop them. */
    private final Set<Long> lockWaits = ConcurrentHashMap.newKeySet();

    MountSession(int mountId, long token, String exportPath, Architecture architecture, FileSystemSession fs,
                 ClientPushes pushes, Consumer<MountSession> onEnd, Duration grace, ScheduledExecutorService timer) {
        this.pushes = pushes;
        this.mountId = mountId;
        this.token = token;
        this.exportPath = exportPath;
        this.architecture = architecture;
        this.fs = fs;
        this.onEnd = onEnd;
        this.grace = grace;
        this.timer = timer;
    }

    /** Another connection joins (also during the grace period); false when the session already ended. */
    synchronized boolean join() {
        if (ended || abandoned) return false;
        connections++;
        if (graceTimer != null) {
            graceTimer.cancel(false);
            graceTimer = null;
        }
        return true;
    }

    /**
     * {@code c}, attached to this session, has told its client so: invalidations may go on it,
     * and those that could not be sent meanwhile are made up for.
     */
    void attached(Connection c) {
        pushes.added(c);
        fs.clientConnected();
    }

    /** Connection {@code c} (attached, or null if it never was) left. With the last one gone, the grace period starts. */
    void leave(Connection c) {
        if (c != null && pushes.removed(c)) fs.invalidationsMayBeLost();
        leave();
    }

    /** A connection left. With the last one gone, the grace period starts. */
    void leave() {
        synchronized (this) {
            if (--connections > 0 || ended) return;
            if (!grace.isZero()) {
                graceTimer = timer.schedule(this::graceOver, grace.toNanos(), TimeUnit.NANOSECONDS);
                return;
            }
        }
        graceOver();
    }

    /** Nobody came back: lock waits are interrupted so that the session can end. */
    private void graceOver() {
        synchronized (this) {
            if (connections > 0 || abandoned) return;
            abandoned = true;
            graceTimer = null;
        }
        for (long unique : lockWaits) fs.interrupt(unique);
        endIfIdle();
    }

    /** Whether it ended because its client did not come back within the grace period. */
    synchronized boolean abandoned() {
        return abandoned;
    }

    /** Whether the session waits for its client to attach again. */
    synchronized boolean waitingForClient() {
        return connections == 0 && !abandoned && !ended;
    }

    synchronized void begin(long unique, boolean lockWait) {
        inFlight++;
        if (lockWait) lockWaits.add(unique);
    }

    void end(long unique, boolean lockWait) {
        if (lockWait) lockWaits.remove(unique);
        synchronized (this) {
            inFlight--;
        }
        endIfIdle();
    }

    private void endIfIdle() {
        synchronized (this) {
            if (ended || !abandoned || inFlight > 0) return;
            ended = true;
        }
        finish();
    }

    /** Ends the session now, whatever is attached (qtfsd is shutting down). */
    void endNow() {
        synchronized (this) {
            if (ended) return;
            ended = true;
            if (graceTimer != null) graceTimer.cancel(false);
        }
        for (long unique : lockWaits) fs.interrupt(unique);
        finish();
    }

    private void finish() {
        onEnd.accept(this);
        fs.close();
    }

    @Override
    public String toString() {
        return "mount " + mountId + " (export " + exportPath + ", " + architecture + " client)";
    }
}
