package qtfs.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;

class RemoteMountTest {
    @Test
    void requestHasTheDocumentedLayoutAndSize() throws Exception {
        RemoteMount m = RemoteMount.mount("scratch", "tmpfs", "tmpfs", 2, "size=8m");
        ByteBuffer arg = m.encode();
        assertEquals(RemoteMount.ARG_SIZE, arg.remaining());
        ByteBuffer expected = new Bytes().u16(1).u16(1).u32(0).u64(2).str("scratch").str("tmpfs").str("tmpfs").str("size=8m").done();
        assertArrayEquals(Bytes.array(expected), Bytes.array(arg.slice(0, expected.remaining())));
        assertEquals(m, RemoteMount.decode(arg));
        assertEquals(0xd0007140, RemoteMount.COMMAND);
    }

    @Test
    void outcomeCarriesErrnoAndSentence() throws Exception {
        RemoteMount.Outcome o = new RemoteMount.Outcome(13, "not here");
        assertEquals(o, RemoteMount.Outcome.decode(o.encode()));
        assertEquals(RemoteMount.ARG_SIZE, o.encode().remaining());
    }

    @Test
    void rejectsWhatNoClientSends() {
        for (String name : List.of("", ".", "..", "a/b")) {
            assertThrows(IllegalArgumentException.class, () -> RemoteMount.unmount(name, 0), name);
        }
        assertRejected(new Bytes().u16(2).u16(1).u32(0).u64(0).str("a").str("t").str("").str("").done(),
                "remote mount request: version 2 (this server reads version 1)");
        assertRejected(new Bytes().u16(1).u16(3).u32(0).u64(0).str("a").str("t").str("").str("").done(),
                "remote mount request: unknown operation 3");
        assertRejected(new Bytes().u16(1).u16(1).u32(0).u64(0).str("a").str("").str("").str("").done(),
                "remote mount request: file system type missing");
        assertRejected(new Bytes().u16(1).u16(2).u32(0).u64(0).str("..").str("").str("").str("").done(),
                "remote mount request: '..' is not a name in a directory");
        assertRejected(new Bytes().u16(1).u16(1).u32(0).u64(0).u16(9000).done(),
                "remote mount request: name length 9000 runs past the end of the frame (0 bytes left)");
        assertThrows(IllegalArgumentException.class, () -> RemoteMount.mount("a", "tmpfs", "x", 0, "o".repeat(5000)).encode());
    }

    @Test
    void submountsRoundTripAndRejectPathsLeavingTheExport() throws Exception {
        Submounts s = new Submounts(List.of("a", "a/b c"));
        assertEquals(s, Submounts.decode(s.encode()));
        assertEquals(new Submounts(List.of()), Submounts.decode(new Submounts(List.of()).encode()));
        for (String bad : List.of("", "/a", "a/../b", "a//b", "./a", "a/")) {
            var e = assertThrows(ProtocolException.class, () -> Submounts.decode(new Bytes().u32(1).str(bad).done()), bad);
            assertTrue(e.getMessage().startsWith("SUBMOUNTS: path '" + bad + "'"), e.getMessage());
        }
        var e = assertThrows(ProtocolException.class, () -> Submounts.decode(new Bytes().u32(5000).done()));
        assertEquals("SUBMOUNTS: count 5000 above 4096", e.getMessage());
    }

    private static void assertRejected(ByteBuffer arg, String message) {
        var e = assertThrows(ProtocolException.class, () -> RemoteMount.decode(arg));
        assertEquals(message, e.getMessage());
    }
}
