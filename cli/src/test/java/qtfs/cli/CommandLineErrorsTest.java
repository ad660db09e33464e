package qtfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage errors exit 2 with a message naming what was wrong; failures exit 1. */
class CommandLineErrorsTest {
    @TempDir
    Path dir;

    static void assertUsage(CommandRun run, String message, String tryLine) {
        assertEquals(ExitStatus.USAGE, run.status(), run.err());
        assertEquals("", run.out());
        assertEquals(message + "\n" + tryLine + "\n", run.err());
    }

    @Test
    void qtfsd() {
        assertUsage(CommandRun.of(QtfsdMain::run, "--workers", "0"),
                "qtfsd: --workers: 0 is out of range (1 to 1024)", "Try 'qtfsd --help' for more information.");
        assertUsage(CommandRun.of(QtfsdMain::run, "--nope"),
                "qtfsd: unknown option '--nope'", "Try 'qtfsd --help' for more information.");
    }

    @Test
    void qtfs() {
        String tryQtfs = "Try 'qtfs --help' for more information.";
        String tryMount = "Try 'qtfs mount --help' for more information.";
        assertUsage(CommandRun.of(QtfsMain::run), "qtfs: missing command (mount, umount, rmount or rumount)", tryQtfs);
        assertUsage(CommandRun.of(QtfsMain::run, "mnt"), "qtfs: unknown command 'mnt' (commands: mount, umount, rmount, rumount)",
                tryQtfs);
        assertUsage(CommandRun.of(QtfsMain::run, "--bogus"), "qtfs: unknown option '--bogus'", tryQtfs);
        String tryRmount = "Try 'qtfs rmount --help' for more information.";
        assertUsage(CommandRun.of(QtfsMain::run, "rmount", "tmpfs", "/mnt/x"),
                "qtfs: rmount needs the file system type: -t TYPE", tryRmount);
        assertUsage(CommandRun.of(QtfsMain::run, "rmount", "-t", "tmpfs", "/mnt/x"),
                "qtfs: rmount needs SOURCE and DIRECTORY, got '/mnt/x'", tryRmount);
        assertUsage(CommandRun.of(QtfsMain::run, "rumount"), "qtfs: rumount needs exactly one DIRECTORY, got nothing",
                "Try 'qtfs rumount --help' for more information.");
        assertUsage(CommandRun.of(QtfsMain::run, "mount", "/srv"),
                "qtfs: mount needs SERVER_PATH and MOUNTPOINT, got '/srv'", tryMount);
        assertUsage(CommandRun.of(QtfsMain::run, "mount", "-o", "server=unix:/s"),
                "qtfs: mount needs SERVER_PATH and MOUNTPOINT, got nothing", tryMount);
        assertUsage(CommandRun.of(QtfsMain::run, "mount", "/srv", "/mnt"),
                "qtfs: missing mount option 'server' (e.g. -o server=unix:/run/qtfs/qtfsd.sock)", tryMount);
        assertUsage(CommandRun.of(QtfsMain::run, "mount", "-x", "/srv", "/mnt"),
                "qtfs: unknown option '-x'", tryMount);
        assertUsage(CommandRun.of(QtfsMain::run, "mount", "-o", "server=unix:/s,_netdev", "/srv", "/mnt"),
                "qtfs: unknown mount option '_netdev' (known: server, cert, insecure, conns, threads, attr_timeout, entry_timeout, "
                        + "allow_other, ro, rw, heartbeat, hard, soft, timeo, proc, local_proc, local_processes, fifo, log_level, log)", tryMount);
        assertUsage(CommandRun.of(QtfsMain::run, "umount"),
                "qtfs: umount needs exactly one MOUNTPOINT, got nothing", "Try 'qtfs umount --help' for more information.");
        assertUsage(CommandRun.of(QtfsMain::run, "umount", "-z", "/mnt"),
                "qtfs: unknown option '-z'", "Try 'qtfs umount --help' for more information.");
    }

    @Test
    void umountOfADirectoryThatIsNotMountedFails() throws IOException {
        Path plain = Files.createDirectory(dir.resolve("plain"));
        CommandRun run = CommandRun.of(QtfsMain::run, "umount", plain.toString());
        assertEquals(ExitStatus.FAILURE, run.status());
        assertEquals("qtfs: " + plain.toRealPath() + " is not mounted\n", run.err());
    }

    @Test
    void umountOfAnotherFileSystemIsRefused() {
        CommandRun run = CommandRun.of(QtfsMain::run, "umount", "/proc");
        assertEquals(ExitStatus.FAILURE, run.status());
        assertEquals("qtfs: /proc is not a qtfs mount (it is proc from proc)\n", run.err());
    }

    @Test
    void mountHelper() {
        String tryHelper = "Try 'mount.qtfs --help' for more information.";
        assertUsage(CommandRun.of(MountQtfsMain::run, "/srv"),
                "mount.qtfs: expected SOURCE and DIRECTORY, got '/srv'", tryHelper);
        assertUsage(CommandRun.of(MountQtfsMain::run, "/srv", "/mnt", "-N", "/proc/1/ns/mnt", "-o", "server=unix:/s"),
                "mount.qtfs: -N/--namespace is not supported: run mount.qtfs inside the target namespace "
                        + "(e.g. with nsenter)", tryHelper);
        assertUsage(CommandRun.of(MountQtfsMain::run, "/srv", "/mnt", "-t", "nfs", "-o", "server=unix:/s"),
                "mount.qtfs: file-system type 'nfs' is not qtfs", tryHelper);
        assertUsage(CommandRun.of(MountQtfsMain::run, "/srv", "/mnt", "-o", "rw,cache,server=unix:/s"),
                "mount.qtfs: unknown mount option 'cache' (known: server, cert, insecure, conns, threads, attr_timeout, "
                        + "entry_timeout, allow_other, ro, rw, heartbeat, hard, soft, timeo, proc, local_proc, local_processes, fifo, log_level, log)", tryHelper);
        // fstab "user" makes mount(8) pass noexec, which a FUSE mount of qtfs cannot honour
        assertUsage(CommandRun.of(MountQtfsMain::run, "/srv", "/mnt", "-o", "rw,noexec,nosuid,nodev,user,server=unix:/s"),
                "mount.qtfs: mount option 'noexec' is not supported by qtfs", tryHelper);
        assertUsage(CommandRun.of(MountQtfsMain::run, "srv", "/mnt", "-o", "server=unix:/s"),
                "mount.qtfs: server path 'srv' must be absolute (start with '/')", tryHelper);
    }

    @Test
    void mountHelperArgumentFormsAsMountPassesThem() {
        // mount(8): mount.qtfs SOURCE DIR [-sfnv] [-o OPTIONS]; -f is "fake": check, do not mount
        CommandRun run = CommandRun.of(MountQtfsMain::run, "/srv/share", "/mnt/share", "-fnv", "-o",
                "rw,server=unix:/run/qtfs/qtfsd.sock,_netdev,noauto,user,defaults,x-systemd.requires=qtfsd");
        assertEquals(ExitStatus.OK, run.status(), run.err());
        assertEquals("mount.qtfs: would mount /srv/share on /mnt/share with server=unix:/run/qtfs/qtfsd.sock,"
                + "conns=4,threads=4,attr_timeout=60,entry_timeout=60,rw,heartbeat=10,hard,timeo=60,fifo=stream,log_level=INFO\n", run.out());
        assertEquals("", run.err());

        run = CommandRun.of(MountQtfsMain::run, "-f", "-oserver=unix:/s", "-t", "qtfs", "/srv", "/mnt");
        assertEquals(ExitStatus.OK, run.status(), run.err());
        assertEquals("", run.out(), "quiet without -v");

        run = CommandRun.of(MountQtfsMain::run, "/srv", "/mnt", "-s", "-f", "-o", "server=unix:/s,nosuid,sync,cache=0");
        assertEquals(ExitStatus.OK, run.status());
        assertEquals("mount.qtfs: ignoring mount option 'sync' (not supported by qtfs)\n"
                + "mount.qtfs: ignoring unknown mount option 'cache=0'\n", run.err());
    }
}
