package qtfs.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

class FrameHeaderTest {
    private static final int MAX = FrameHeader.DEFAULT_MAX_FRAME_SIZE;

    private static ByteBuffer header(int length, int type, int flags, int channel, int reserved, long id) {
        return new Bytes().u32(length).u16(type).u16(flags).u32(channel).u32(reserved).u64(id).done();
    }

    @Test
    void encodesTheDocumentedLayout() {
        ByteBuffer b = ByteBuffer.allocate(FrameHeader.SIZE);
        FrameHeader.of(FrameType.FUSE_REPLY, 7, 0x1122334455667788L, 100).encode(b);
        assertEquals(0, b.remaining());
        assertArrayEquals(Bytes.array(header(124, 7, 0, 7, 0, 0x1122334455667788L)), b.array());
        assertEquals(ByteOrder.BIG_ENDIAN, b.order(), "the caller's byte order is left alone");
    }

    @Test
    void roundTrips() throws Exception {
        FrameHeader h = FrameHeader.of(FrameType.ATTACHED, -5, -1L, 8);
        ByteBuffer b = ByteBuffer.allocate(FrameHeader.SIZE);
        h.encode(b);
        FrameHeader back = FrameHeader.decode(b.flip(), MAX);
        assertEquals(h, back);
        assertEquals(8, back.payloadLength());
        assertEquals(0, b.position(), "decode does not move the position");
    }

    @Test
    void acceptsAFrameOfExactlyTheMaximum() throws Exception {
        assertEquals(MAX, FrameHeader.decode(header(MAX, 9, 0, 0, 0, 0), MAX).length());
    }

    @Test
    void rejectsAFrameOverTheMaximum() {
        var e = assertThrows(ProtocolException.class, () -> FrameHeader.decode(header(MAX + 1, 9, 0, 0, 0, 0), MAX));
        assertEquals("frame of " + (MAX + 1) + " bytes exceeds the maximum frame size of " + MAX + " bytes", e.getMessage());
    }

    @Test
    void rejectsAHugeUnsignedLength() {
        var e = assertThrows(ProtocolException.class, () -> FrameHeader.decode(header(0xfffffff0, 9, 0, 0, 0, 0), MAX));
        assertTrue(e.getMessage().startsWith("frame of 4294967280 bytes exceeds"), e.getMessage());
    }

    @Test
    void rejectsALengthShorterThanTheHeader() {
        var e = assertThrows(ProtocolException.class, () -> FrameHeader.decode(header(23, 9, 0, 0, 0, 0), MAX));
        assertEquals("frame length 23 is shorter than its 24-byte header", e.getMessage());
    }

    @Test
    void rejectsUnknownTypes() {
        for (int type : new int[] {0, 14, 0xffff}) {
            var e = assertThrows(ProtocolException.class, () -> FrameHeader.decode(header(24, type, 0, 0, 0, 0), MAX));
            assertEquals("unknown frame type " + type, e.getMessage());
        }
    }

    @Test
    void rejectsNonZeroFlags() {
        var e = assertThrows(ProtocolException.class, () -> FrameHeader.decode(header(32, 9, 0x10, 0, 0, 0), MAX));
        assertEquals("PING frame has non-zero flags 0x10 (reserved, must be 0)", e.getMessage());
    }

    @Test
    void rejectsNonZeroReserved() {
        var e = assertThrows(ProtocolException.class, () -> FrameHeader.decode(header(32, 9, 0, 0, 1, 0), MAX));
        assertEquals("PING frame has non-zero reserved field 0x1 (must be 0)", e.getMessage());
    }

    @Test
    void aTlsClientHelloIsNamedAsSuch() {
        // a TLS 1.3 ClientHello record: handshake (22), legacy version 3.1, length 0x0200
        ByteBuffer tls = ByteBuffer.wrap(new byte[] {22, 3, 1, 2, 0, 1, 0, 1, (byte) 0xfc, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        var e = assertThrows(ProtocolException.class, () -> FrameHeader.decode(tls, MAX));
        assertEquals("the peer sent a TLS handshake, but this connection carries plain qtfs frames (one side uses TLS, the other plain TCP)",
                e.getMessage());
        // the same two bytes in front of a valid frame (length 790) are just a frame
        assertDoesNotThrow(() -> FrameHeader.decode(header(790, 9, 0, 0, 0, 0), MAX));
        assertEquals(22, header(790, 9, 0, 0, 0, 0).get(0));
    }

    @Test
    void rejectsAShortBuffer() {
        var e = assertThrows(ProtocolException.class, () -> FrameHeader.decode(ByteBuffer.allocate(10), MAX));
        assertEquals("frame header needs 24 bytes, got 10", e.getMessage());
    }

    @Test
    void everyTypeHasItsDocumentedCode() throws Exception {
        String[] names = {null, "HELLO", "WELCOME", "REFUSE", "ATTACH", "ATTACHED", "FUSE_REQUEST", "FUSE_REPLY",
            "FUSE_NOTIFY", "PING", "PONG", "ERROR", "NO_XATTRS", "SUBMOUNTS"};
        for (int code = 1; code < names.length; code++) assertEquals(names[code], FrameType.of(code).name());
        assertEquals(names.length - 1, FrameType.values().length);
    }
}
