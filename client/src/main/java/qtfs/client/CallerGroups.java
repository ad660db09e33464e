package qtfs.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The supplementary groups of the process behind a request. FUSE tells only uid, gid and pid;
 * the server needs the groups to decide access exactly as the local kernel would. They are read
 * from {@code /proc/PID/status} (in proc mode, from the client's proc at local_proc: /proc may be
 * the mount itself) and kept for about a second, since a process issues requests in bursts and
 * rarely changes its groups.
 */
final class CallerGroups {
    static final long KEEP_NANOS = 1_000_000_000L;
    private static final int EVICT_ABOVE = 4096;
    static final int[] NONE = new int[0];

    private record Entry(int[] groups, long readAt) {}

    private final Map<Integer, Entry> cache = new ConcurrentHashMap<>();
    private final Path proc;

    /** Reading the processes' groups from the proc at {@code proc}. */
    CallerGroups(Path proc) {
        this.proc = proc;
    }

    CallerGroups() {
        this(Path.of("/proc"));
    }

    /** The groups to send: none for root (it needs none) or for kernel-internal requests (pid 0). */
    int[] of(int uid, int pid) {
        if (uid == 0 || pid <= 0) return NONE;
        long now = System.nanoTime();
        Entry e = cache.get(pid);
        if (e != null && now - e.readAt < KEEP_NANOS) return e.groups;
        int[] groups = read(pid);
        if (cache.size() > EVICT_ABOVE) cache.values().removeIf(old -> now - old.readAt >= KEEP_NANOS);
        cache.put(pid, new Entry(groups, now));
        return groups;
    }

    /** A process that is gone has no groups to offer: the request then runs with uid and gid only. */
    private int[] read(int pid) {
        try {
            return parseStatus(Files.readString(proc.resolve(Integer.toString(pid)).resolve("status")));
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    /** The numbers on the {@code Groups:} line of a /proc status file. */
    static int[] parseStatus(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("Groups:")) {
                String list = line.substring(7).trim();
                if (list.isEmpty()) return NONE;
                return Arrays.stream(list.split("\\s+")).mapToInt(g -> Integer.parseUnsignedInt(g)).toArray();
            }
        }
        return NONE;
    }
}
