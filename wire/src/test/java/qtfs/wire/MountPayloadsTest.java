package qtfs.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class MountPayloadsTest {

    private static Bytes attachFields(long entryNs, long attrNs) {
        return attachFields(entryNs, attrNs, 1);
    }

    private static Bytes attachFields(long entryNs, long attrNs, int arch) {
        return new Bytes().u64(77).u32(38).u32(1 << 20).u64(0x1234).u64(entryNs).u64(attrNs).u32(arch);
    }

    @Test
    void attachHasTheDocumentedLayout() throws Exception {
        Attach a = new Attach(77, 38, 1 << 20, 0x1234, Duration.ofMillis(1500), Duration.ofSeconds(2), Architecture.X86_64,
                "/srv/data");
        ByteBuffer expected = attachFields(1_500_000_000L, 2_000_000_000L).str("/srv/data").done();
        assertArrayEquals(Bytes.array(expected), Bytes.array(a.encode()));
        assertEquals(a, Attach.decode(a.encode()));
    }

    @Test
    void attachCarriesTheClientArchitecture() throws Exception {
        Attach arm = new Attach(0, 38, 1 << 20, 0, Duration.ZERO, Duration.ZERO, Architecture.AARCH64, "/srv");
        assertArrayEquals(Bytes.array(attachFields(0, 0, 2).str("/srv").done()),
                Bytes.array(new Attach(77, 38, 1 << 20, 0x1234, Duration.ZERO, Duration.ZERO, Architecture.AARCH64, "/srv").encode()));
        assertEquals(Architecture.AARCH64, Attach.decode(arm.encode()).architecture());
        assertAttachRejected(attachFields(0, 0, 3).str("/a").done(),
                "ATTACH: unknown client architecture 3 (known: 1 x86_64, 2 aarch64)");
    }

    @Test
    void attachRejectsBadFields() {
        assertAttachRejected(attachFields(0, 0).str("srv").done(), "ATTACH: export path 'srv' is not absolute");
        assertAttachRejected(attachFields(0, 0).str("").done(), "ATTACH: export path '' is not absolute");
        assertAttachRejected(attachFields(0, 0).str("/a\0b").done(), "ATTACH: export path contains a NUL byte");
        assertAttachRejected(attachFields(-1, 0).str("/a").done(), "ATTACH: cache timeouts must be below 2^63 ns");
        assertAttachRejected(attachFields(0, 0).u16(50).raw((byte) '/').done(),
                "ATTACH: export path length 50 runs past the end of the frame (1 bytes left)");
        assertAttachRejected(attachFields(0, 0).str("/a").raw((byte) 0).done(), "ATTACH: 1 unexpected bytes after the last field");
        assertAttachRejected(new Bytes().u64(0).u32(38).u32(512).u64(0).u64(0).u64(0).u32(1).str("/a").done(),
                "ATTACH: max write 512 out of range (at least 4096)");
        assertAttachRejected(attachFields(0, 0).str("/" + "a".repeat(Attach.MAX_PATH)).done(),
                "ATTACH: export path is longer than 4095 bytes");
        assertAttachRejected(new Bytes().u64(0).u32(38).done(), "ATTACH: payload ends inside max write (0 of 4 bytes present)");
    }

    private static void assertAttachRejected(ByteBuffer payload, String message) {
        var e = assertThrows(ProtocolException.class, () -> Attach.decode(payload));
        assertEquals(message, e.getMessage());
    }

    @Test
    void attachedRoundTripsAndRejectsTokenZero() throws Exception {
        Attached a = new Attached(0xfeedfacecafebeefL);
        assertArrayEquals(Bytes.array(new Bytes().u64(0xfeedfacecafebeefL).done()), Bytes.array(a.encode()));
        assertEquals(a, Attached.decode(a.encode()));
        var e = assertThrows(ProtocolException.class, () -> Attached.decode(new Bytes().u64(0).done()));
        assertEquals("ATTACHED: session token 0 is not a session", e.getMessage());
    }

    private static ByteBuffer fuseRequest(int[] groups, int fuseLen, int actualLen) {
        Bytes b = new Bytes().u16(groups.length).u16(0).u32(0);
        for (int g : groups) b.u32(g);
        b.u32(fuseLen).u32(1).u64(2).u64(1).u32(1000).u32(1000).u32(4242).u32(0);
        b.raw(new byte[actualLen - FuseFrames.IN_HEADER_SIZE]);
        return b.done();
    }

    @Test
    void fuseRequestPrefixCarriesTheGroups() throws Exception {
        int[] groups = {10, 20, 0x80000000};
        ByteBuffer payload = fuseRequest(groups, 45, 45);
        assertArrayEquals(groups, FuseFrames.readRequestGroups(payload));
        assertEquals(20, FuseFrames.prefixSize(3));

        ByteBuffer written = ByteBuffer.allocate(FuseFrames.prefixSize(3));
        FuseFrames.writePrefix(written, groups);
        assertArrayEquals(Bytes.array(payload.slice(0, 20)), written.array());
    }

    @Test
    void fuseRequestRejectsLengthMismatchesAndReservedBits() {
        assertFuseRejected(fuseRequest(new int[0], 50, 45), "FUSE_REQUEST: fuse_in_header.len is 50 but the frame carries 45 bytes of FUSE request");
        assertFuseRejected(fuseRequest(new int[0], 40, 45), "FUSE_REQUEST: fuse_in_header.len is 40 but the frame carries 45 bytes of FUSE request");
        assertFuseRejected(new Bytes().u16(0).u16(0).u32(0).u32(20).raw(new byte[16]).done(),
                "FUSE_REQUEST: FUSE request of 20 bytes is shorter than fuse_in_header (40)");
        assertFuseRejected(new Bytes().u16(1000).u16(0).u32(0).raw(new byte[64]).done(),
                "FUSE_REQUEST: 1000 groups run past the end of the frame (64 bytes left)");
        assertFuseRejected(new Bytes().u16(0).u16(1).u32(0).raw(new byte[40]).done(),
                "FUSE_REQUEST: reserved field padding after ngroups is 0x1, must be 0");
        assertFuseRejected(new Bytes().u16(0).u16(0).u32(2).raw(new byte[40]).done(),
                "FUSE_REQUEST: reserved field reserved is 0x2, must be 0");
        assertFuseRejected(new Bytes().u16(0).done(), "FUSE_REQUEST: payload ends inside padding after ngroups (0 of 2 bytes present)");
    }

    private static void assertFuseRejected(ByteBuffer payload, String message) {
        var e = assertThrows(ProtocolException.class, () -> FuseFrames.readRequestGroups(payload));
        assertEquals(message, e.getMessage());
    }

    @Test
    void fuseRepliesAreCheckedAgainstTheirFrame() throws Exception {
        ByteBuffer ok = new Bytes().u32(24).u32(0).u64(0x42).u64(0).done();
        FuseFrames.checkReply(ok, FrameType.FUSE_REPLY);
        assertEquals(0x42, FuseFrames.replyUnique(ok));
        var mismatch = assertThrows(ProtocolException.class,
                () -> FuseFrames.checkReply(new Bytes().u32(16).u32(0).u64(1).u64(0).done(), FrameType.FUSE_REPLY));
        assertEquals("FUSE_REPLY: fuse_out_header.len is 16 but the frame carries 24 bytes", mismatch.getMessage());
        var tooShort = assertThrows(ProtocolException.class,
                () -> FuseFrames.checkReply(new Bytes().u32(8).u32(0).done(), FrameType.FUSE_NOTIFY));
        assertEquals("FUSE_NOTIFY: message of 8 bytes is shorter than fuse_out_header (16)", tooShort.getMessage());
    }
}
