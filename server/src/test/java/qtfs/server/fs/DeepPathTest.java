package qtfs.server.fs;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import qtfs.server.whitelist.Section;
import qtfs.sys.Errno;
import qtfs.sys.OpenFlags;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Trees deeper than PATH_MAX on the server: every operation still works (inodes are reached
 * from directory descriptors) and the whitelist still judges them.
 */
class DeepPathTest {
    private static final String LONG = "d".repeat(250);
    private static final int LEVELS = 20;   // 20 × 251 bytes: well past PATH_MAX
    private FsDriver d;

    @AfterEach
    void tearDown() throws Exception {
        if (d != null) {
            // Files.walk cannot delete paths this long: undo the tree through the session
            d.close();
        }
    }

    /** Makes the chain below {@code parent} and returns the node ids, deepest last. */
    private List<Long> chain(long parent) {
        List<Long> nodes = new ArrayList<>();
        long at = parent;
        for (int i = 0; i < LEVELS; i++) {
            at = d.mkdir(at, LONG, 0755).nodeid();
            nodes.add(at);
        }
        return nodes;
    }

    private void unchain(long parent, List<Long> nodes) {
        for (int i = nodes.size() - 1; i >= 0; i--) d.rmdir(i == 0 ? parent : nodes.get(i - 1), LONG).ok();
    }

    @Test
    void everythingWorksBeyondPathMax() throws Exception {
        d = FsDriver.open();
        List<Long> nodes = chain(FsDriver.ROOT);
        long deep = nodes.get(nodes.size() - 1);
        Reply c = d.create(deep, "file", OpenFlags.O_RDWR, 0644).ok();
        long file = c.nodeid(), fh = c.createFh();
        d.write(file, fh, 0, "deep".getBytes()).ok();
        assertEquals("deep", d.read(file, fh, 0, 10).text());
        d.release(file, fh).ok();
        long fh2 = d.open(file, OpenFlags.O_RDWR | OpenFlags.O_TRUNC).fh();
        d.release(file, fh2).ok();
        d.setattr(file, 1, 0, 0, 0, 0, 0, 0, 0600, 0, 0).ok();
        d.setxattr(file, "user.deep", new byte[] {1}, 0).ok();
        d.rename(deep, "file", deep, "renamed").ok();
        long dir = d.opendir(deep).fh();
        assertEquals(3, FsDriver.entries(d.readdir(deep, dir, 0, 4096, false), false).size());
        d.releasedir(deep, dir).ok();
        d.unlink(deep, "renamed").ok();
        unchain(FsDriver.ROOT, nodes);
        try (var s = Files.list(d.export)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void theWhitelistStillJudgesDeepPaths() throws Exception {
        d = FsDriver.open(export -> {
            StringBuilder b = new StringBuilder("[Mount]\nPath=" + export + "\n");
            for (Section s : Section.values())
                if (s != Section.MOUNT && s != Section.CREATE) b.append('[').append(s.title).append("]\nPath=").append(export).append('\n');
            b.append("[Create]\nPath=").append(export.resolve("open")).append('\n');
            return b.toString();
        });
        long open = d.mkdir(FsDriver.ROOT, "open", 0755).nodeid();
        long closed = d.mkdir(FsDriver.ROOT, "closed", 0755).nodeid();
        List<Long> openChain = chain(open);
        List<Long> closedChain = chain(closed);
        long[] allowed = {openChain.get(LEVELS - 1)};
        Reply ok = d.create(allowed[0], "f", OpenFlags.O_WRONLY, 0644).ok();
        d.release(ok.nodeid(), ok.createFh()).ok();
        d.create(closedChain.get(LEVELS - 1), "f", OpenFlags.O_WRONLY, 0644).fails(Errno.EACCES);
        // a deep file is placed through the directory it was found in
        d.open(ok.nodeid(), OpenFlags.O_RDWR).ok();
        d.unlink(allowed[0], "f").ok();
        unchain(open, openChain);
        unchain(closed, closedChain);
    }

    @Test
    void aDeepFileIsPlacedUnderItsNewNameAfterARename() throws Exception {
        d = FsDriver.open();
        List<Long> nodes = chain(FsDriver.ROOT);
        long deep = nodes.get(nodes.size() - 1), above = nodes.get(nodes.size() - 2);
        Reply a = d.create(deep, "a", OpenFlags.O_RDWR, 0644).ok();
        d.release(a.nodeid(), a.createFh()).ok();
        Reply b = d.create(deep, "b", OpenFlags.O_RDWR, 0644).ok();
        d.release(b.nodeid(), b.createFh()).ok();
        d.rename(deep, "a", deep, "renamed").ok();
        d.release(a.nodeid(), d.open(a.nodeid(), OpenFlags.O_RDONLY).fh()).ok();
        d.rename(deep, "renamed", above, "moved").ok();
        d.release(a.nodeid(), d.open(a.nodeid(), OpenFlags.O_RDONLY).fh()).ok();
        d.rename2(above, "moved", deep, "b", qtfs.sys.PathCalls.RENAME_EXCHANGE).ok();
        d.release(a.nodeid(), d.open(a.nodeid(), OpenFlags.O_RDONLY).fh()).ok();
        d.release(b.nodeid(), d.open(b.nodeid(), OpenFlags.O_RDONLY).fh()).ok();
        d.unlink(deep, "b").ok();
        d.unlink(above, "moved").ok();
        unchain(FsDriver.ROOT, nodes);
    }

    @Test
    void aDeepFileMovedAwayIsNotGuessed() throws Exception {
        d = FsDriver.open();
        List<Long> nodes = chain(FsDriver.ROOT);
        long deep = nodes.get(nodes.size() - 1);
        Reply c = d.create(deep, "file", OpenFlags.O_RDWR, 0644).ok();
        d.release(c.nodeid(), c.createFh()).ok();
        Reply other = d.create(deep, "other", OpenFlags.O_RDWR, 0644).ok();
        d.release(other.nodeid(), other.createFh()).ok();
        // replaced behind the client's back: the remembered name now leads elsewhere
        d.rename(deep, "other", deep, "file").ok();
        d.open(c.nodeid(), OpenFlags.O_RDONLY).fails(Errno.ENAMETOOLONG);
        d.unlink(deep, "file").ok();
        unchain(FsDriver.ROOT, nodes);
    }

}
