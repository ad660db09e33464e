package qtfs.server.fs;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import qtfs.sys.OpenFlags;

import static org.junit.jupiter.api.Assertions.*;

/**
 * More inodes than the descriptor budget allows: idle ones are parked (descriptor closed,
 * file handle kept) and reopened on their next use, as the same inode.
 */
class InodeParkingTest {
    private static final int HIGH_MARK = 8;
    private final DescriptorBudget budget = new DescriptorBudget(HIGH_MARK);
    private FsDriver d;

    @AfterEach
    void tearDown() throws Exception {
        if (d != null) d.close();
    }

    private long ino(Path p) throws Exception {
        return (Long) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void manyInodesStayWithinTheBudgetAndStayUsable() throws Exception {
        d = FsDriver.open(budget);
        Path dir = Files.createDirectory(d.export.resolve("dir"));
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 60; i++) files.add(Files.writeString(dir.resolve("f" + i), "content " + i));
        long dirNode = d.lookup(FsDriver.ROOT, "dir").nodeid();
        List<Long> nodes = new ArrayList<>();
        for (Path f : files) {
            nodes.add(d.lookup(dirNode, f.getFileName().toString()).nodeid());
            assertTrue(budget.openCount() <= HIGH_MARK, budget.openCount() + " inode descriptors open");
        }
        assertEquals(62, d.fs.nodeCount(), "every node id stays valid");

        for (int i = 0; i < files.size(); i++) {
            assertEquals(ino(files.get(i)), d.getattr(nodes.get(i)).attrIno(), "node of " + files.get(i));
            assertTrue(budget.openCount() <= HIGH_MARK, budget.openCount() + " inode descriptors open");
        }
        long fh = d.open(nodes.get(3), OpenFlags.O_RDONLY).fh();
        assertEquals("content 3", d.read(nodes.get(3), fh, 0, 100).text());
        d.release(nodes.get(3), fh).ok();
        // a lookup of a parked inode gives the same node id
        assertEquals(nodes.get(0), d.lookup(dirNode, "f0").nodeid());
    }

    @Test
    void aParkedFileRenamedOnTheServerIsStillItsNode() throws Exception {
        d = FsDriver.open(budget);
        Path a = Files.writeString(d.export.resolve("a"), "moving");
        long node = d.lookup(FsDriver.ROOT, "a").nodeid();
        for (int i = 0; i < 2 * HIGH_MARK; i++) {
            Files.writeString(d.export.resolve("x" + i), "");
            d.lookup(FsDriver.ROOT, "x" + i).ok();
        }
        assertTrue(budget.openCount() < d.fs.nodeCount(), "some inodes are parked");
        Path b = Files.move(a, d.export.resolve("b"));

        assertEquals(ino(b), d.getattr(node).attrIno());
        long fh = d.open(node, OpenFlags.O_RDONLY).fh();   // the whitelist judges its new path
        assertEquals("moving", d.read(node, fh, 0, 100).text());
        d.release(node, fh).ok();
    }

    @Test
    void forgottenInodesGiveTheirDescriptorsBack() throws Exception {
        d = FsDriver.open(budget);
        for (int i = 0; i < 20; i++) {
            Files.writeString(d.export.resolve("y" + i), "");
            long node = d.lookup(FsDriver.ROOT, "y" + i).nodeid();
            d.forget(node, 1);
        }
        assertEquals(1, d.fs.nodeCount());
        assertEquals(1, budget.openCount(), "only the root is open");
    }
}
