package qtfs.server.fs;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import qtfs.sys.Errno;

import static org.junit.jupiter.api.Assertions.*;

/** Which nodes a request reports as having no extended attributes (for the client to answer getxattr itself). */
class XattrHintsTest {
    private FsDriver d;

    @AfterEach
    void tearDown() throws Exception {
        if (d != null) d.close();
    }

    private long[] hinted() {
        return Arrays.copyOf(d.hints.nodes(), d.hints.count());
    }

    /** The export holds "plain" and "dir" without attributes and "tagged" with user.tag; returns name → node id of a listing. */
    private Map<String, Long> listExport() throws Exception {
        Files.writeString(d.export.resolve("plain"), "x");
        Files.createDirectory(d.export.resolve("dir"));
        Path tagged = Files.writeString(d.export.resolve("tagged"), "x");
        Files.getFileAttributeView(tagged, UserDefinedFileAttributeView.class).write("tag", ByteBuffer.wrap(new byte[] {1}));
        long fh = d.opendir(FsDriver.ROOT).fh();
        Map<String, Long> nodes = FsDriver.entries(d.readdir(FsDriver.ROOT, fh, 0, 4096, true), true).stream()
                .filter(e -> !e.name().startsWith(".")).collect(Collectors.toMap(FsDriver.Entry::name, FsDriver.Entry::nodeid));
        return nodes;
    }

    @Test
    void aListingNamesTheEntriesWithoutAttributes() throws Exception {
        d = FsDriver.open();
        d.hints = new XattrHints();
        Map<String, Long> nodes = listExport();
        long[] hinted = hinted();
        Arrays.sort(hinted);
        long[] expected = {nodes.get("plain"), nodes.get("dir")};
        Arrays.sort(expected);
        assertArrayEquals(expected, hinted, "plain and dir, not tagged");
    }

    @Test
    void onlyAListingMadeAsRootCounts() throws Exception {
        d = FsDriver.open();
        d.hints = new XattrHints();
        d.uid = 1000;
        d.gid = 1000;
        Files.setPosixFilePermissions(d.export, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        listExport();
        assertEquals(0, d.hints.count(), "other users do not see trusted.* attributes");
    }

    @Test
    void aGetxattrThatFindsNothingNamesTheNodeIfItHasNoAttributesAtAll() throws Exception {
        d = FsDriver.open();
        Map<String, Long> nodes = listExport();
        d.hints = new XattrHints();
        d.getxattr(nodes.get("plain"), "security.selinux", 255).fails(Errno.ENODATA);
        assertArrayEquals(new long[] {nodes.get("plain")}, hinted());
        d.getxattr(nodes.get("tagged"), "security.selinux", 255).fails(Errno.ENODATA);
        assertEquals(0, d.hints.count(), "tagged has an attribute, just not this one");
        d.getxattr(nodes.get("tagged"), "user.tag", 255).ok();
        assertEquals(0, d.hints.count());
    }

    @Test
    void filesServedWithoutCachingAreNeverNamed() throws Exception {
        d = FsDriverForPath.open("/proc/sys/kernel");
        d.hints = new XattrHints();
        long status = d.lookup(FsDriver.ROOT, "hostname").nodeid();
        assertEquals(0, d.listxattr(status, 0).u32(0), "procfs lists no attributes");
        assertEquals(0, d.hints.count(), "yet the client must ask again: it does not cache what /proc says");
    }
}
