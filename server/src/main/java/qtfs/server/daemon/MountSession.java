package qtfs.server.daemon;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import qtfs.server.fs.FileSystemSession;
import qtfs.wire.Architecture;

/**
 * One client mount: the file system serving it and the connections attached to it. It ends
 * (and its file system closes, dropping every fd and lock) once its last connection is gone
 * and no request of it is still being served.
 */
final class MountSession {
    final int mountId;
    final long token;
    final String exportPath;
    /** The client's architecture: every connection of the session comes from the same kernel. */
    final Architecture architecture;
    final FileSystemSession fs;
    private final Consumer<MountSession> onEnd;

    private int connections = 1;
    private int inFlight;
    private boolean ended;
    /** Uniques of SETLKW requests in progress, so an abandoned session can stop waiting for locks. */
    private final Set<Long> lockWaits = ConcurrentHashMap.newKeySet();

    MountSession(int mountId, long token, String exportPath, Architecture architecture, FileSystemSession fs,
                 Consumer<MountSession> onEnd) {
        this.mountId = mountId;
        this.token = token;
        this.exportPath = exportPath;
        this.architecture = architecture;
        this.fs = fs;
        this.onEnd = onEnd;
    }

    /** Another connection joins; false when the session already ended. */
    synchronized boolean join() {
        if (ended) return false;
        connections++;
        return true;
    }

    /** A connection left. With the last one gone, lock waits are interrupted so the session can end. */
    void leave() {
        boolean last;
        synchronized (this) {
            last = --connections == 0;
        }
        if (last) {
            for (long unique : lockWaits) fs.interrupt(unique);
            endIfIdle();
        }
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
            if (ended || connections > 0 || inFlight > 0) return;
            ended = true;
        }
        finish();
    }

    /** Ends the session now, whatever is attached (qtfsd is shutting down). */
    void endNow() {
        synchronized (this) {
            if (ended) return;
            ended = true;
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
