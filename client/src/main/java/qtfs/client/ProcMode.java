package qtfs.client;

import java.nio.file.Path;
import java.util.List;

/**
 * Proc mode ({@code -o proc}), for a mount of the server's {@code /proc}: the names that
 * describe the calling process itself lead to the client's own proc instead of the server's.
 * {@code self} and {@code thread-self} in the mount's root point to the caller's entry in the
 * client's proc, mounted at {@code localProc}; so does {@code PID} when it is the caller's own
 * pid, or when the client process PID is named in {@code localProcesses}; {@code mounts} points to {@code 1/mounts}, the server's
 * mount table.
 *
 * @param enabled        whether the mount is in proc mode
 * @param localProc      where the client's own proc is mounted (absolute)
 * @param localProcesses names (as in /proc/PID/comm) of client processes whose /proc/PID is the client's
 */
public record ProcMode(boolean enabled, Path localProc, List<String> localProcesses) {
    public static final Path DEFAULT_LOCAL_PROC = Path.of("/local_proc");
    /** The kernel keeps 15 bytes of a process name (TASK_COMM_LEN - 1). */
    public static final int COMM_LENGTH = 15;
    public static final ProcMode OFF = new ProcMode(false, DEFAULT_LOCAL_PROC, List.of());

    public ProcMode {
        if (localProc == null || !localProc.isAbsolute())
            throw new IllegalArgumentException("local_proc must be an absolute path, not '" + localProc + "'");
        localProcesses = List.copyOf(localProcesses);
        for (String name : localProcesses) {
            if (name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0)
                throw new IllegalArgumentException("'" + name + "' is not a process name");
        }
    }

    /** Proc mode with the client's proc at {@code localProc}. */
    public static ProcMode on(Path localProc, List<String> localProcesses) {
        return new ProcMode(true, localProc, localProcesses);
    }
}
