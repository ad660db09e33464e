package qtfs.server.fs;

import qtfs.sys.FileCalls;

/**
 * qtfsd creates files with the mode the client computed (its caller's umask already applied),
 * so its own umask must be 0. The umask is per process; set once, before the first request.
 */
final class ProcessUmask {
    private ProcessUmask() {}

    private static volatile boolean cleared;

    static void clear() {
        if (cleared) return;
        synchronized (ProcessUmask.class) {
            if (!cleared) {
                FileCalls.umask(0);
                cleared = true;
            }
        }
    }
}
