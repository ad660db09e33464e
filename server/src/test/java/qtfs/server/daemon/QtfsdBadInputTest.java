package qtfs.server.daemon;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import qtfs.fuse.proto.Opcode;
import qtfs.wire.FrameHeader;
import qtfs.wire.FrameType;
import qtfs.wire.FuseFrames;
import qtfs.wire.Hello;
import qtfs.wire.Service;
import qtfs.wire.VersionRange;

/**
 * Every kind of bad input ends (or is answered with an error on) the connection that sent it,
 * while another client of the same daemon keeps working and the exported tree stays as it was.
 */
@Timeout(120)
class QtfsdBadInputTest {
    private DaemonFixture f;
    private RawClient good;
    private Map<String, String> treeBefore;
    private long nextUnique = 100;

    @BeforeEach
    void setUp() throws Exception {
        f = new DaemonFixture();
        Files.writeString(f.export.resolve("hello.txt"), "hello");
        Files.createDirectory(f.export.resolve("dir"));
        Files.writeString(f.export.resolve("dir/inner.txt"), "inner");
        Files.writeString(f.root.resolve("secret.txt"), "outside the export");
        f.start();
        good = RawClient.attached(f.socket, f.export.toString());
        treeBefore = tree(f.root);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (good != null) {
                // the well-behaved client still gets answers, and nothing on disk changed
                assertEquals(0, RawClient.error(good.call(QtfsdAttachTest.getattrRoot(nextUnique += 2))));
                ByteBuffer lookup = good.call(RawClient.fuse(Opcode.LOOKUP.code, nextUnique += 2, 1, RawClient.name("hello.txt")));
                assertEquals(0, RawClient.error(lookup));
                assertEquals(treeBefore, tree(f.root));
            }
        } finally {
            if (good != null) good.close();
            f.close();
        }
    }

    /** Every path under {@code dir} (but the socket and run files) with its type, mode and content. */
    private static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                String rel = dir.relativize(p).toString();
                if (rel.startsWith("run") || rel.endsWith(".sock")) continue;
                String desc = Files.isSymbolicLink(p) ? "link" : Files.isDirectory(p) ? "dir" : "file " + Arrays.hashCode(Files.readAllBytes(p));
                out.put(rel, desc + " " + java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
            }
        }
        return out;
    }

    private static void assertClosedByServer(RawClient c) {
        assertThrows(IOException.class, () -> {
            while (true) c.next(); // whatever was in flight, the end is a closed connection
        });
    }

    private static ByteBuffer header(long length, int type, int channel, long requestId) {
        ByteBuffer b = ByteBuffer.allocate(FrameHeader.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) length).putShort((short) type).putShort((short) 0).putInt(channel).putInt(0).putLong(requestId);
        return b.flip();
    }

    @Test
    void aTruncatedFrame() throws Exception {
        try (RawClient bad = RawClient.attached(f.socket, f.export.toString())) {
            bad.raw(header(FrameHeader.SIZE + 200, FrameType.FUSE_REQUEST.code, bad.mountId, 7));
            bad.raw(ByteBuffer.allocate(50));
            bad.channel.shutdownOutput();
            assertClosedByServer(bad);
        }
    }

    @Test
    void aHugeLength() throws Exception {
        try (RawClient bad = RawClient.attached(f.socket, f.export.toString())) {
            bad.raw(header(0xfffffff0L, FrameType.FUSE_REQUEST.code, bad.mountId, 7));
            bad.rawAfterBadInput(ByteBuffer.allocate(4096));
            assertClosedByServer(bad);
        }
    }

    @Test
    void anUnknownFrameType() throws Exception {
        try (RawClient bad = RawClient.attached(f.socket, f.export.toString())) {
            bad.raw(header(FrameHeader.SIZE, 99, 0, 0));
            assertClosedByServer(bad);
        }
    }

    @Test
    void aFrameTheClientMayNotSend() throws Exception {
        try (RawClient bad = RawClient.attached(f.socket, f.export.toString())) {
            bad.frame(FrameType.FUSE_REPLY, bad.mountId, 0, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 16));
            assertClosedByServer(bad);
        }
    }

    @Test
    void aNonZeroReservedField() throws Exception {
        try (RawClient bad = RawClient.attached(f.socket, f.export.toString())) {
            ByteBuffer h = header(FrameHeader.SIZE + 8, FrameType.PING.code, 0, 0);
            h.putInt(12, 1);
            bad.raw(h);
            bad.rawAfterBadInput(ByteBuffer.allocate(8));
            assertClosedByServer(bad);
        }
    }

    @Test
    void anUnknownMountId() throws Exception {
        try (RawClient bad = RawClient.attached(f.socket, f.export.toString())) {
            ByteBuffer request = QtfsdAttachTest.getattrRoot(9);
            bad.frame(FrameType.FUSE_REQUEST, bad.mountId + 1000, 9, RawClient.noGroups(), request);
            assertClosedByServer(bad);
        }
    }

    @Test
    void anotherSessionsMountId() throws Exception {
        try (RawClient bad = RawClient.attached(f.socket, f.export.toString())) {
            bad.frame(FrameType.FUSE_REQUEST, good.mountId, 9, RawClient.noGroups(), QtfsdAttachTest.getattrRoot(9));
            assertClosedByServer(bad);
        }
    }

    @Test
    void aFuseRequestBeforeAttaching() throws Exception {
        try (RawClient bad = RawClient.connect(f.socket)) {
            bad.frame(FrameType.FUSE_REQUEST, good.mountId, 9, RawClient.noGroups(), QtfsdAttachTest.getattrRoot(9));
            assertClosedByServer(bad);
        }
    }

    @Test
    void aFuseLengthThatDisagreesWithTheFrame() throws Exception {
        try (RawClient bad = RawClient.attached(f.socket, f.export.toString())) {
            ByteBuffer request = QtfsdAttachTest.getattrRoot(9);
            request.putInt(0, request.remaining() + 100);
            bad.frame(FrameType.FUSE_REQUEST, bad.mountId, 9, RawClient.noGroups(), request);
            assertClosedByServer(bad);
        }
        try (RawClient bad = RawClient.attached(f.socket, f.export.toString())) {
            ByteBuffer request = QtfsdAttachTest.getattrRoot(9);
            request.putInt(0, 20);
            bad.frame(FrameType.FUSE_REQUEST, bad.mountId, 9, RawClient.noGroups(), request);
            assertClosedByServer(bad);
        }
    }

    @Test
    void groupsRunningPastTheFrame() throws Exception {
        try (RawClient bad = RawClient.attached(f.socket, f.export.toString())) {
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 5000).putShort((short) 0).putInt(0).flip();
            bad.frame(FrameType.FUSE_REQUEST, bad.mountId, 9, prefix, QtfsdAttachTest.getattrRoot(9));
            assertClosedByServer(bad);
        }
    }

    @Test
    void anInterruptWithoutItsBody() throws Exception {
        try (RawClient bad = RawClient.attached(f.socket, f.export.toString())) {
            bad.send(RawClient.fuse(Opcode.INTERRUPT.code, 9, 0, new byte[0]));
            assertClosedByServer(bad);
        }
    }

    @Test
    void garbageAfterTheHandshake() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        try (RawClient bad = RawClient.connect(f.socket)) {
            bad.raw(ByteBuffer.wrap(garbage));
            assertClosedByServer(bad);
        }
        try (RawClient bad = RawClient.attached(f.socket, f.export.toString())) {
            bad.raw(ByteBuffer.wrap(garbage));
            assertClosedByServer(bad);
        }
    }

    @Test
    void garbageInsteadOfTheHandshake() throws Exception {
        try (RawClient bad = RawClient.open(f.socket)) {
            bad.raw(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: qtfs\r\n\r\n".getBytes()));
            RawClient.Reply refuse = bad.next();
            assertEquals(FrameType.REFUSE, refuse.type());
            assertClosedByServer(bad);
        }
    }

    @Test
    void anotherServiceIsRefused() throws Exception {
        try (RawClient bad = RawClient.open(f.socket)) {
            bad.frame(FrameType.HELLO, 0, 0, new Hello(VersionRange.SUPPORTED, Service.EXEC, 0, "rexec").encode());
            RawClient.Reply refuse = bad.next();
            assertEquals(FrameType.REFUSE, refuse.type());
            assertEquals("service exec is not offered here (offered: fs)",
                    qtfs.wire.Failure.decode(refuse.payload(), FrameType.REFUSE).reason());
            assertClosedByServer(bad);
        }
    }

    /** A LOOKUP or MKDIR whose name would leave the directory is answered with an error, or ends the connection. */
    private void assertRefusedOrClosed(RawClient bad, ByteBuffer request) throws IOException {
        bad.send(request);
        RawClient.Reply r;
        try {
            r = bad.next();
        } catch (IOException closed) {
            return;
        }
        assertEquals(FrameType.FUSE_REPLY, r.type());
        int error = RawClient.error(r.payload());
        assertTrue(error < 0, "a name with '/' or '..' must fail, got error " + error + " for request " + request.getInt(4));
    }

    @Test
    void namesThatWouldLeaveTheDirectory() throws Exception {
        for (String name : new String[] {"../secret.txt", "dir/inner.txt", "/etc", "dir/../hello.txt", ""}) {
            try (RawClient bad = RawClient.attached(f.socket, f.export.toString())) {
                assertRefusedOrClosed(bad, RawClient.fuse(Opcode.LOOKUP.code, 9, 1, RawClient.name(name)));
            }
        }
        long exportIno = (Long) Files.getAttribute(f.export, "unix:ino");
        for (String name : new String[] {"..", "."}) {
            // the kernel may look up ".." (NFS export support): at the root it may only find the root again
            try (RawClient bad = RawClient.attached(f.socket, f.export.toString())) {
                bad.send(RawClient.fuse(Opcode.LOOKUP.code, 9, 1, RawClient.name(name)));
                ByteBuffer reply;
                try {
                    reply = bad.next().payload();
                } catch (IOException closed) {
                    continue;
                }
                if (RawClient.error(reply) == 0) {
                    long ino = reply.getLong((int) (FuseFrames.OUT_HEADER_SIZE + qtfs.fuse.proto.EntryOut.ATTR));
                    assertEquals(exportIno, ino, "LOOKUP '" + name + "' at the export root found something else than the root");
                }
            }
        }
        for (String name : new String[] {"../escaped", "dir/sub", "..", "/tmp/escaped"}) {
            try (RawClient bad = RawClient.attached(f.socket, f.export.toString())) {
                byte[] n = RawClient.name(name);
                ByteBuffer body = ByteBuffer.allocate(8 + n.length).order(ByteOrder.LITTLE_ENDIAN).putInt(0755).putInt(0).put(n);
                assertRefusedOrClosed(bad, RawClient.fuse(Opcode.MKDIR.code, 11, 1, body.array()));
            }
        }
        assertFalse(Files.exists(Path.of("/tmp/escaped")));
    }

    @Test
    void aNameWithoutItsTerminatingNul() throws Exception {
        try (RawClient bad = RawClient.attached(f.socket, f.export.toString())) {
            assertRefusedOrClosed(bad, RawClient.fuse(Opcode.LOOKUP.code, 9, 1, "hello.txt".getBytes()));
        }
    }

    @Test
    void aPrefixSizeMatchingNoFuseHeader() throws Exception {
        try (RawClient bad = RawClient.attached(f.socket, f.export.toString())) {
            ByteBuffer tooShort = ByteBuffer.allocate(FuseFrames.IN_HEADER_SIZE - 1);
            bad.frame(FrameType.FUSE_REQUEST, bad.mountId, 9, RawClient.noGroups(), tooShort);
            assertClosedByServer(bad);
        }
    }
}
