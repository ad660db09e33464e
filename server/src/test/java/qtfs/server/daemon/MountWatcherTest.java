package qtfs.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class MountWatcherTest {
    private static final String TABLE = """
            22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
            40 22 0:40 / /srv/share/a rw - tmpfs tmpfs rw
            41 40 0:41 / /srv/share/a/b\\040c rw - tmpfs tmpfs rw
            42 22 0:42 / /srv/shared rw - tmpfs tmpfs rw
            43 22 0:43 / /srv/share rw - tmpfs tmpfs rw
            44 22 0:44 / /srv/share/a rw - tmpfs tmpfs rw
            """;

    @Test
    void listsMountPointsStrictlyBelowTheExportOnceEachParentsFirst() {
        assertEquals(List.of("a", "a/b c"), MountWatcher.below("/srv/share", TABLE));
        assertEquals(List.of("b c"), MountWatcher.below("/srv/share/a", TABLE));
        assertEquals(List.of(), MountWatcher.below("/srv/shared", TABLE));
        assertEquals(List.of("srv/share/a", "srv/share/a/b c", "srv/shared", "srv/share"), MountWatcher.below("/", TABLE));
    }
}
