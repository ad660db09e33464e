package qtfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MountTableTest {
    static final String SAMPLE = """
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            40 22 0:35 / /mnt/with\\040space rw,nosuid,nodev,relatime shared:20 - fuse.qtfs /srv/share rw,user_id=0
            41 22 0:36 / /mnt/plain rw - tmpfs tmpfs rw
            42 41 0:37 / /mnt/plain rw master:3 shared:4 - fuse.qtfs /srv/b\\134x rw
            """;

    @Test
    void parsesFieldsAndEscapes() {
        MountTable t = MountTable.parse(SAMPLE);
        assertEquals(4, t.mounts().size());
        MountTable.Mount m = t.at(Path.of("/mnt/with space")).orElseThrow();
        assertEquals("fuse.qtfs", m.fsType());
        assertEquals("/srv/share", m.source());
        assertTrue(m.isQtfs());
        assertFalse(t.at(Path.of("/")).orElseThrow().isQtfs());
        assertTrue(t.at(Path.of("/mnt/none")).isEmpty());
    }

    @Test
    void theTopmostMountWins() {
        MountTable.Mount m = MountTable.parse(SAMPLE).at(Path.of("/mnt/plain")).orElseThrow();
        assertEquals("fuse.qtfs", m.fsType());
        assertEquals("/srv/b\\x", m.source());
    }

    @Test
    void readsThisProcessTable() throws IOException {
        assertEquals("proc", MountTable.read().at(Path.of("/proc")).orElseThrow().fsType());
    }
}
