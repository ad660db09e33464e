package qtfs.server.whitelist;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class WhitelistTest {
    private static Whitelist parse(String text) throws WhitelistException {
        return Whitelist.parse(text, "wl");
    }

    private static String error(String text) {
        return assertThrows(WhitelistException.class, () -> parse(text)).getMessage();
    }

    @Test
    void theReferenceFormat() throws Exception {
        Whitelist wl = parse("""
                # qtfs whitelist
                [Open]
                Path=/var/lib/docker;/run/containerd

                ; a second line adds to the section
                [Write]
                Path=/var/lib/docker
                Path=/var/log ; /tmp/x/
                [Mount]
                Path=/var/lib;/run
                """);
        assertEquals(List.of("/var/lib/docker", "/run/containerd"), wl.paths(Section.OPEN));
        assertEquals(List.of("/var/lib/docker", "/var/log", "/tmp/x"), wl.paths(Section.WRITE));
        assertEquals(List.of(), wl.paths(Section.READ));
        assertTrue(wl.allows(Section.OPEN, "/var/lib/docker"));
        assertTrue(wl.allows(Section.OPEN, "/var/lib/docker/containers/abc"));
        assertFalse(wl.allows(Section.OPEN, "/var/lib/dockerd"), "whole components only");
        assertFalse(wl.allows(Section.OPEN, "/var/lib"));
        assertFalse(wl.allows(Section.READ, "/var/lib/docker"), "an absent section allows nothing");
        assertTrue(wl.allows(Section.WRITE, "/tmp/x/y"));
    }

    @Test
    void pathsAreNormalised() throws Exception {
        Whitelist wl = parse("[Open]\nPath=//srv//a/;/srv/b///;/\n");
        assertEquals(List.of("/srv/a", "/srv/b", "/"), wl.paths(Section.OPEN));
        assertTrue(wl.allows(Section.OPEN, "/anything/at/all"), "/ covers everything");
    }

    @Test
    void exportContainingPicksTheMostSpecificMountEntry() throws Exception {
        Whitelist wl = parse("[Mount]\nPath=/var;/var/lib/docker\n");
        assertEquals(Optional.of("/var/lib/docker"), wl.exportContaining("/var/lib/docker/x"));
        assertEquals(Optional.of("/var"), wl.exportContaining("/var/lib"));
        assertEquals(Optional.empty(), wl.exportContaining("/variable"));
    }

    @Test
    void errorsNameTheFileAndLine() {
        assertEquals("wl:3: unknown section [Opn]; known sections: [Open] [Write] [Read] [Readdir] [Mkdir] [Rmdir]"
                + " [Create] [Unlink] [Rename] [Setattr] [Setxattr] [Mount] [Kill] [Udsconnect]",
                error("[Open]\nPath=/a\n[Opn]\nPath=/b\n"));
        assertTrue(error("\n[open]\n").startsWith("wl:2: unknown section [open] (section names are case-sensitive: write [Open])"));
        assertEquals("wl:2: unknown key 'Paths'; the only key is Path=", error("[Open]\nPaths=/a\n"));
        assertEquals("wl:2: unknown key 'path' (keys are case-sensitive: write Path=)", error("[Open]\npath=/a\n"));
        assertEquals("wl:1: Path= before any [Section] header", error("Path=/a\n"));
        assertEquals("wl:2: path 'srv/a' is not absolute (it must start with /)", error("[Open]\nPath=/b;srv/a\n"));
        assertEquals("wl:2: path '/srv/../etc' has a '..' component; write the path without . or .. components",
                error("[Open]\nPath=/srv/../etc\n"));
        assertEquals("wl:2: path '/srv/./a' has a '.' component; write the path without . or .. components",
                error("[Open]\nPath=/srv/./a\n"));
        assertEquals("wl:1: section header '[Open' lacks its closing ]", error("[Open\n"));
        assertEquals("wl:2: expected a [Section] header or a Path= line, found 'garbage'", error("[Open]\ngarbage\n"));
    }

    @Test
    void loadNamesTheFile() throws Exception {
        Path f = Files.createTempFile(Path.of("/tmp"), "qtfs-whitelist-", ".ini");
        try {
            Files.writeString(f, "[Mount]\nPath=/srv\n[Bogus]\n");
            WhitelistException e = assertThrows(WhitelistException.class, () -> Whitelist.load(f));
            assertTrue(e.getMessage().startsWith(f + ":3: unknown section [Bogus]"), e.getMessage());
            Files.writeString(f, "[Mount]\r\nPath=/srv\r\n");
            Whitelist wl = Whitelist.load(f);
            assertEquals(List.of("/srv"), wl.paths(Section.MOUNT));
            assertEquals(f.toString(), wl.origin());
            Files.write(f, new byte[] {'[', (byte) 0xff, ']'});
            assertEquals(f + ": the whitelist is not valid UTF-8",
                    assertThrows(WhitelistException.class, () -> Whitelist.load(f)).getMessage());
        } finally {
            Files.delete(f);
        }
        Path missing = Path.of("/tmp/qtfs-no-such-whitelist-" + ProcessHandle.current().pid());
        assertTrue(assertThrows(WhitelistException.class, () -> Whitelist.load(missing)).getMessage()
                .startsWith(missing + ": cannot read the whitelist"));
    }

    @Test
    void mountIsRequired() throws Exception {
        parse("[Mount]\nPath=/srv\n").requireMount();
        String msg = assertThrows(WhitelistException.class, () -> parse("[Open]\nPath=/srv\n[Mount]\n").requireMount())
                .getMessage();
        assertTrue(msg.startsWith("wl: no [Mount] entry: qtfsd exports nothing"), msg);
        assertThrows(WhitelistException.class, () -> parse("").requireMount());
    }

    @Test
    void everySectionParses() throws Exception {
        StringBuilder text = new StringBuilder();
        for (Section s : Section.values()) text.append('[').append(s.title).append("]\nPath=/").append(s.title).append('\n');
        Whitelist wl = parse(text.toString());
        for (Section s : Section.values()) assertTrue(wl.allows(s, "/" + s.title + "/x"), s.title);
        assertEquals(text.toString(), wl.toString());
    }

    @Test
    void remoteMountsNeedAnEntryStrictlyInsideTheExport() throws WhitelistException {
        Whitelist wl = parse("[Mount]\nPath=/srv/share;/srv/share/mnt;/srv/other\n");
        assertTrue(wl.allowsRemoteMount("/srv/share", "/srv/share/mnt"));
        assertTrue(wl.allowsRemoteMount("/srv/share", "/srv/share/mnt/a/b"));
        assertFalse(wl.allowsRemoteMount("/srv/share", "/srv/share/elsewhere"), "the export's own entry does not allow it");
        assertFalse(wl.allowsRemoteMount("/srv/share", "/srv/share"));
        assertFalse(wl.allowsRemoteMount("/srv/share", "/srv/share/mntx"));
        assertFalse(wl.allowsRemoteMount("/srv/other", "/srv/other/x"));
        assertFalse(wl.allowsRemoteMount("/srv/share/mnt", "/srv/share/mnt/x"), "an entry above the export does not count");
    }
}
