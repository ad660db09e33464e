package qtfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackgroundMountTest {
    @TempDir
    Path dir;

    @Test
    void logFileNamesEscapeTheMountPointAsSystemdDoes() {
        assertEquals("mnt-share", BackgroundMount.escape("/mnt/share"));
        assertEquals("mnt-a\\x20b-c\\x2dd", BackgroundMount.escape("/mnt/a b/c-d/"));
        assertEquals("\\x2ehidden-x.y", BackgroundMount.escape("/.hidden/x.y"));
        assertEquals("-", BackgroundMount.escape("/"));
        assertEquals("caf\\xc3\\xa9", BackgroundMount.escape("/café"));
        assertEquals("mount-mnt-share.log",
                BackgroundMount.defaultLogFile(Path.of("/mnt/share")).getFileName().toString());
    }

    @Test
    void theChildIsThisProgramInTheForegroundWithTheSameSettings() throws UsageException {
        MountSettings s = MountSettings.parse("/srv/a", "/mnt/a", List.of("server=unix:/s.sock,conns=2,ro"),
                MountSettings.Strictness.STRICT, w -> { });
        List<String> command = BackgroundMount.childCommand(s);
        assertTrue(command.getFirst().endsWith("setsid"), "a new session, away from the terminal: " + command);
        assertTrue(command.contains("--enable-native-access=ALL-UNNAMED"));
        assertEquals(List.of(QtfsMain.class.getName(), "mount", "-f", "-o", s.optionString(), "--", "/srv/a",
                "/mnt/a"), command.subList(command.size() - 8, command.size()));
    }

    @Test
    void failureMessageIsTheChildsOwnError() {
        Path log = Path.of("/run/qtfs/mount-x.log");
        assertEquals("cannot connect to unix:/s.sock: No such file or directory",
                BackgroundMount.failureMessage("qtfs: cannot connect to unix:/s.sock: No such file or directory",
                        1, log));
        assertEquals("mount refused (log: /run/qtfs/mount-x.log)",
                BackgroundMount.failureMessage("2026-11-27T16:00:00.000Z INFO qtfs: starting\nqtfs: mount refused",
                        1, log));
        assertEquals("the mount daemon exited with status 134 before the mount was live; see /run/qtfs/mount-x.log",
                BackgroundMount.failureMessage("", 134, log));
        assertEquals("the mount daemon exited with status 1 before the mount was live:\nException in main",
                BackgroundMount.failureMessage("Exception in main", 1, log));
    }

    @Test
    void aMountThatCannotHappenReportsTheDaemonsErrorAndExits1() throws IOException {
        Path mountpoint = Files.createDirectory(dir.resolve("mnt"));
        Path log = dir.resolve("mount.log");
        Files.writeString(log, "an older run\n");
        CommandRun run = CommandRun.of(QtfsMain::run, "mount", "-o",
                "server=unix:" + dir.resolve("no-server.sock") + ",log=" + log, "/srv", mountpoint.toString());
        assertEquals(ExitStatus.FAILURE, run.status(), run.err());
        assertTrue(run.err().startsWith("qtfs: "), run.err());
        assertFalse(run.err().contains("exited with status"), "the daemon's own message is shown: " + run.err());
        assertFalse(run.err().contains("an older run"), "only this run's log is shown: " + run.err());
        assertEquals("", run.out());
        assertTrue(MountTable.read().at(mountpoint.toRealPath()).isEmpty());
    }
}
