package qtfs.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class HandshakePayloadsTest {

    @Test
    void helloHasTheDocumentedLayout() throws Exception {
        Hello h = new Hello(new VersionRange(1, 3), Service.FS, 0x8000000000000001L, "qtfs dpu1");
        ByteBuffer expected = new Bytes().u32(0x53465451).u16(1).u16(3).u32(1).u64(0x8000000000000001L).str("qtfs dpu1").done();
        assertArrayEquals(Bytes.array(expected), Bytes.array(h.encode()));
        assertEquals(h, Hello.decode(h.encode()));
        assertEquals("QTFS", new String(Bytes.array(expected), 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void helloIgnoresFieldsALaterVersionAppends() throws Exception {
        ByteBuffer b = new Bytes().u32(Hello.MAGIC).u16(2).u16(5).u32(2).u64(0).str("x").u64(42).done();
        Hello h = Hello.decode(b);
        assertEquals(new VersionRange(2, 5), h.versions());
        assertEquals(Service.EXEC, h.service());
    }

    @Test
    void helloRejectsBadMagic() {
        ByteBuffer b = new Bytes().u32(0x50545448).u16(1).u16(1).u32(1).u64(0).str("").done();
        var e = assertThrows(ProtocolException.class, () -> Hello.decode(b));
        assertEquals("HELLO: bad magic 0x50545448, expected 0x53465451 (\"QTFS\"): the peer does not speak the qtfs protocol",
                e.getMessage());
    }

    @Test
    void helloRejectsAnIdentityLongerThanTheFrame() {
        ByteBuffer b = new Bytes().u32(Hello.MAGIC).u16(1).u16(1).u32(1).u64(0).u16(300).raw(new byte[10]).done();
        var e = assertThrows(ProtocolException.class, () -> Hello.decode(b));
        assertEquals("HELLO: identity length 300 runs past the end of the frame (10 bytes left)", e.getMessage());
    }

    @Test
    void helloRejectsATruncatedPayload() {
        ByteBuffer b = new Bytes().u32(Hello.MAGIC).u16(1).u16(1).u32(1).u32(0).done();
        var e = assertThrows(ProtocolException.class, () -> Hello.decode(b));
        assertEquals("HELLO: payload ends inside features (4 of 8 bytes present)", e.getMessage());
    }

    @Test
    void helloRejectsAnUnknownService() {
        ByteBuffer b = new Bytes().u32(Hello.MAGIC).u16(1).u16(1).u32(7).u64(0).str("").done();
        var e = assertThrows(ProtocolException.class, () -> Hello.decode(b));
        assertEquals("HELLO: unknown service 7", e.getMessage());
    }

    @Test
    void helloRejectsAnInvertedOrZeroVersionRange() {
        for (int[] r : new int[][] {{3, 2}, {0, 1}}) {
            ByteBuffer b = new Bytes().u32(Hello.MAGIC).u16(r[0]).u16(r[1]).u32(1).u64(0).str("").done();
            var e = assertThrows(ProtocolException.class, () -> Hello.decode(b));
            assertEquals("HELLO: bad version range " + r[0] + ".." + r[1], e.getMessage());
        }
    }

    @Test
    void helloRejectsInvalidUtf8() {
        ByteBuffer b = new Bytes().u32(Hello.MAGIC).u16(1).u16(1).u32(1).u64(0).u16(2).raw((byte) 0xc3, (byte) 0x28).done();
        var e = assertThrows(ProtocolException.class, () -> Hello.decode(b));
        assertEquals("HELLO: identity is not valid UTF-8", e.getMessage());
    }

    @Test
    void welcomeRoundTripsWithTheDocumentedLayout() throws Exception {
        Welcome w = new Welcome(1, 6, "qtfsd host");
        assertArrayEquals(Bytes.array(new Bytes().u16(1).u16(0).u64(6).str("qtfsd host").done()), Bytes.array(w.encode()));
        assertEquals(w, Welcome.decode(w.encode()));
    }

    @Test
    void welcomeRejectsNonZeroPaddingTrailingBytesAndVersionZero() {
        var pad = assertThrows(ProtocolException.class, () -> Welcome.decode(new Bytes().u16(1).u16(9).u64(0).str("").done()));
        assertEquals("WELCOME: reserved field padding after version is 0x9, must be 0", pad.getMessage());
        var trailing = assertThrows(ProtocolException.class,
                () -> Welcome.decode(new Bytes().u16(1).u16(0).u64(0).str("").u32(0).done()));
        assertEquals("WELCOME: 4 unexpected bytes after the last field", trailing.getMessage());
        var zero = assertThrows(ProtocolException.class, () -> Welcome.decode(new Bytes().u16(0).u16(0).u64(0).str("").done()));
        assertEquals("WELCOME: version 0 does not exist", zero.getMessage());
    }

    @Test
    void failureRoundTripsForRefuseAndError() throws Exception {
        Failure f = new Failure(13, "export /etc is not in a [Mount] entry");
        assertArrayEquals(Bytes.array(new Bytes().u32(13).str(f.reason()).done()), Bytes.array(f.encode()));
        assertEquals(f, Failure.decode(f.encode(), FrameType.REFUSE));
        assertEquals(f, Failure.decode(f.encode(), FrameType.ERROR));
    }

    @Test
    void failureRejectsBadErrnoAndOverlongReason() {
        var errno = assertThrows(ProtocolException.class, () -> Failure.decode(new Bytes().u32(0).str("x").done(), FrameType.ERROR));
        assertEquals("ERROR: errno 0 out of range 1..4095", errno.getMessage());
        var huge = assertThrows(ProtocolException.class, () -> Failure.decode(new Bytes().u32(-1).str("x").done(), FrameType.REFUSE));
        assertEquals("REFUSE: errno 4294967295 out of range 1..4095", huge.getMessage());
        var len = assertThrows(ProtocolException.class,
                () -> Failure.decode(new Bytes().u32(5).u16(9).raw((byte) 'a').done(), FrameType.REFUSE));
        assertEquals("REFUSE: reason length 9 runs past the end of the frame (1 bytes left)", len.getMessage());
    }

    @Test
    void pingRoundTripsAndRejectsWrongSizes() throws Exception {
        Ping p = new Ping(0x0102030405060708L);
        assertArrayEquals(Bytes.array(new Bytes().u64(0x0102030405060708L).done()), Bytes.array(p.encode()));
        assertEquals(p, Ping.decode(p.encode(), FrameType.PONG));
        var shortOne = assertThrows(ProtocolException.class, () -> Ping.decode(new Bytes().u32(1).done(), FrameType.PING));
        assertEquals("PING: payload ends inside value (4 of 8 bytes present)", shortOne.getMessage());
        var longOne = assertThrows(ProtocolException.class, () -> Ping.decode(new Bytes().u64(1).u16(0).done(), FrameType.PONG));
        assertEquals("PONG: 2 unexpected bytes after the last field", longOne.getMessage());
    }

    @Test
    void versionRangesIntersect() {
        assertEquals(1, VersionRange.SUPPORTED.highestCommon(new VersionRange(1, 4)).getAsInt());
        assertEquals(3, new VersionRange(2, 3).highestCommon(new VersionRange(3, 9)).getAsInt());
        assertTrue(new VersionRange(2, 3).highestCommon(VersionRange.SUPPORTED).isEmpty());
        assertEquals("2..3", new VersionRange(2, 3).toString());
    }
}
