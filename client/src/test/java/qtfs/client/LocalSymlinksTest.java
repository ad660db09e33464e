package qtfs.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import qtfs.sys.Statx;

class LocalSymlinksTest {
    @Test
    void oneNodePerTextWithIdsTheServerNeverHandsOut() {
        LocalSymlinks links = new LocalSymlinks();
        LocalReply.Attributes a = links.lookUp("/local_proc/10");
        LocalReply.Attributes again = links.lookUp("/local_proc/10");
        LocalReply.Attributes b = links.lookUp("/local_proc/11");
        assertEquals(a.ino(), again.ino(), "the same text, the same node: its cached text stays right");
        assertNotEquals(a.ino(), b.ino(), "another caller's self is another node");
        assertTrue(LocalSymlinks.isLocal(a.ino()) && LocalSymlinks.isLocal(b.ino()), "top bit set");
        assertTrue(!LocalSymlinks.isLocal(1) && !LocalSymlinks.isLocal(Long.MAX_VALUE), "server node ids are not local");
        assertEquals(Statx.S_IFLNK | 0777, a.mode());
        assertEquals("/local_proc/10".length(), a.size());
        assertArrayEquals("/local_proc/10".getBytes(StandardCharsets.UTF_8), links.text(a.ino()));
    }

    @Test
    void aNodeLivesWhileTheKernelHoldsALookup() {
        LocalSymlinks links = new LocalSymlinks();
        long id = links.lookUp("1/mounts").ino();
        links.lookUp("1/mounts");
        links.forget(id, 1);
        assertEquals(1, links.size(), "one lookup left");
        links.forget(id, 1);
        assertEquals(0, links.size());
        assertNull(links.text(id), "forgotten");
        assertNull(links.attributes(id));
        assertNotEquals(id, links.lookUp("1/mounts").ino(), "node ids are never reused");
    }
}
