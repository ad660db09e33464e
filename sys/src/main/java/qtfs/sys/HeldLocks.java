package qtfs.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The record locks held through one open file description, as the kernel lists them in
 * {@code /proc/self/fdinfo/FD}: the only way to learn which descriptor holds an OFD lock,
 * since F_OFD_GETLK reports such a holder with pid -1.
 */
public final class HeldLocks {
    private HeldLocks() {}

    private static final String PREFIX = "lock:";

    /** The POSIX and OFD locks held through {@code fd} (length 0: to the end of the file); flock locks and leases are left out. */
    public static List<Locks.Lock> through(int fd) throws ErrnoException {
        String file = "/proc/self/fdinfo/" + fd;
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new ErrnoException("read", Errno.EBADF, file);
        } catch (IOException e) {
            throw new ErrnoException("read", Errno.EIO, file + " (" + e.getMessage() + ")");
        }
        List<Locks.Lock> locks = new ArrayList<>();
        for (String line : lines) {
            Locks.Lock lock = parse(line);
            if (lock != null) locks.add(lock);
        }
        return locks;
    }

    /**
     * One {@code lock:} line, e.g. {@code "lock:\t1: OFDLCK ADVISORY  WRITE -1 fe:00:2169121 0 9"}
     * (id, kind, mode, type, pid, dev:ino, start, end or EOF); null for other lines and kinds.
     */
    static Locks.Lock parse(String line) {
        if (!line.startsWith(PREFIX)) return null;
        String[] f = line.substring(PREFIX.length()).trim().split("\\s+");
        if (f.length != 8 || !(f[1].equals("POSIX") || f[1].equals("OFDLCK"))) return null;
        int type = switch (f[3]) {
            case "READ" -> Locks.F_RDLCK;
            case "WRITE" -> Locks.F_WRLCK;
            default -> -1;
        };
        if (type < 0) return null;
        try {
            int pid = Integer.parseInt(f[4]);
            long start = Long.parseLong(f[6]);
            long length = f[7].equals("EOF") ? 0 : Long.parseLong(f[7]) - start + 1;
            return new Locks.Lock(type, start, length, pid);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
