package qtfs.server.daemon;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import qtfs.fuse.proto.Opcode;
import qtfs.sys.Errno;
import qtfs.wire.Features;
import qtfs.wire.FrameType;
import qtfs.wire.FuseFrames;
import qtfs.wire.NoXattrs;

/** NO_XATTRS frames go, before the reply they belong to, only to clients that asked for them. */
@Timeout(120)
class QtfsdXattrHintsTest {
    private DaemonFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new DaemonFixture();
        Files.writeString(f.export.resolve("plain"), "x");
        f.start();
    }

    @AfterEach
    void tearDown() throws IOException {
        f.close();
    }

    private static RawClient attach(DaemonFixture f, long features) throws IOException {
        RawClient c = RawClient.connect(f.socket, features);
        assertEquals(FrameType.ATTACHED, c.attach(0, f.export.toString()).type());
        return c;
    }

    private static long lookupPlain(RawClient c) throws IOException {
        ByteBuffer entry = c.call(RawClient.fuse(Opcode.LOOKUP.code, 2, 1, RawClient.name("plain")));
        assertEquals(0, RawClient.error(entry));
        return entry.getLong(FuseFrames.OUT_HEADER_SIZE);
    }

    private static ByteBuffer getxattr(long unique, long node, String name) {
        byte[] n = RawClient.name(name);
        ByteBuffer body = ByteBuffer.allocate(8 + n.length).order(ByteOrder.LITTLE_ENDIAN).putInt(255).putInt(0).put(n);
        return RawClient.fuse(Opcode.GETXATTR.code, unique, node, body.array());
    }

    @Test
    void aClientThatAskedHearsOfNodesWithoutAttributesBeforeTheReply() throws Exception {
        try (RawClient c = attach(f, Features.NO_XATTRS_HINTS)) {
            assertEquals(Features.NO_XATTRS_HINTS, c.agreedFeatures);
            long node = lookupPlain(c);
            c.send(getxattr(4, node, "security.selinux"));
            RawClient.Reply hint = c.next();
            assertEquals(FrameType.NO_XATTRS, hint.type());
            assertEquals(c.mountId, hint.header().channel());
            assertEquals(4, hint.header().requestId());
            assertArrayEquals(new long[] {node}, NoXattrs.decode(hint.payload()).nodeIds());
            RawClient.Reply reply = c.next();
            assertEquals(FrameType.FUSE_REPLY, reply.type());
            assertEquals(-Errno.ENODATA, RawClient.error(reply.payload()));
        }
    }

    @Test
    void aClientThatDidNotAskHearsNothing() throws Exception {
        try (RawClient c = attach(f, 0)) {
            long node = lookupPlain(c);
            c.send(getxattr(4, node, "security.selinux"));
            RawClient.Reply reply = c.next();
            assertEquals(FrameType.FUSE_REPLY, reply.type());
            assertEquals(-Errno.ENODATA, RawClient.error(reply.payload()));
        }
    }
}
