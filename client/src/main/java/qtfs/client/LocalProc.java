package qtfs.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import qtfs.sys.ErrnoException;
import qtfs.sys.FileIo;
import qtfs.sys.OpenFlags;
import qtfs.sys.StatFs;

/**
 * The client's own proc, mounted at the {@code local_proc} path of a proc-mode mount: where
 * {@code self} and the client's own processes lead, and where the client learns a caller's
 * process and name. The mount daemon reads it rather than {@code /proc}, which may be the
 * qtfs mount itself (a FUSE daemon must never use its own mount).
 */
final class LocalProc {
    private final Path root;

    private LocalProc(Path root) {
        this.root = root;
    }

    /** The client's proc at {@code root}, checked to be a proc of this process's PID namespace outside {@code mountpoint}. */
    static LocalProc open(Path root, Path mountpoint) throws MountException {
        String remedy = ": proc mode needs the client's own proc there; run 'mkdir -p " + root + " && mount -t proc proc "
                + root + "' first, or name another with -o local_proc=PATH";
        if (root.normalize().startsWith(mountpoint.normalize()))
            throw new MountException("local_proc " + root + " lies inside the mount point " + mountpoint + remedy);
        if (!Files.exists(root)) throw new MountException("local_proc " + root + " does not exist" + remedy);
        if (!Files.isDirectory(root)) throw new MountException("local_proc " + root + " is not a directory" + remedy);
        long type;
        try {
            int fd = FileIo.open(root.toString(), OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0);
            try {
                type = StatFs.of(fd).type();
            } finally {
                FileIo.closeQuietly(fd);
            }
        } catch (ErrnoException e) {
            throw new MountException("local_proc " + root + ": " + e.getMessage() + remedy, e);
        }
        if (type != StatFs.PROC_SUPER_MAGIC) throw new MountException("local_proc " + root + " is not a proc mount" + remedy);
        LocalProc proc = new LocalProc(root);
        long self = ProcessHandle.current().pid();
        if (proc.tgidOf((int) self) != self) {
            throw new MountException("local_proc " + root + " is the proc of another PID namespace (it does not show this "
                    + "process as " + self + ")" + remedy + " from this PID namespace");
        }
        return proc;
    }

    Path root() {
        return root;
    }

    /** The process (thread group) of thread {@code tid}, or -1 when there is no such thread. */
    int tgidOf(int tid) {
        String status = read(tid, "status");
        if (status == null) return -1;
        for (String line : status.split("\n")) {
            if (line.startsWith("Tgid:")) {
                try {
                    return Integer.parseInt(line.substring(5).strip());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** The name of process {@code pid} (its comm), or null when there is no such process. */
    String commOf(int pid) {
        String comm = read(pid, "comm");
        return comm == null ? null : comm.stripTrailing();
    }

    /** /PROC/PID/FILE, or null when the process is gone. */
    private String read(int pid, String file) {
        if (pid <= 0) return null;
        try {
            return Files.readString(root.resolve(Integer.toString(pid)).resolve(file), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
