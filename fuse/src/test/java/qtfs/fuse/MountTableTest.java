package qtfs.fuse;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class MountTableTest {
    private static final String SAMPLE = """
            22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:5 - proc proc rw
            98 22 0:45 / /tmp/with\\040space rw,nosuid,nodev,relatime shared:51 master:3 - fuse.qtfs host:/srv rw,user_id=0,group_id=0
            99 22 0:46 / /tmp/with\\040space rw,relatime - tmpfs tmpfs rw
            garbage line
            """;

    @Test
    void parsesFieldsAndUnescapesPaths() {
        List<MountEntry> mounts = MountTable.parse(SAMPLE);
        assertEquals(3, mounts.size());
        MountEntry fuse = mounts.get(1);
        assertEquals(98, fuse.mountId());
        assertEquals(0, fuse.major());
        assertEquals(45, fuse.minor());
        assertEquals("/tmp/with space", fuse.mountPoint());
        assertEquals("fuse.qtfs", fuse.fsType());
        assertEquals("host:/srv", fuse.source());
        assertTrue(fuse.hasMountOption("nodev"));
        assertFalse(fuse.hasMountOption("ro"));
        assertEquals(45, fuse.kernelDevice());
        assertEquals("fuse.qtfs (source host:/srv)", fuse.describe());
    }

    @Test
    void theLastMountAtAPathIsTheVisibleOne() {
        List<MountEntry> mounts = MountTable.parse(SAMPLE);
        assertEquals("tmpfs", MountTable.topmostAt(mounts, "/tmp/with space").orElseThrow().fsType());
        assertTrue(MountTable.topmostAt(mounts, "/tmp").isEmpty());
    }

    @Test
    void unescapesOctalSequencesOnly() {
        assertEquals("a\tb\\c", MountTable.unescape("a\\011b\\134c"));
        assertEquals("a\\x", MountTable.unescape("a\\x"));
        assertEquals("end\\04", MountTable.unescape("end\\04"));
    }
}
