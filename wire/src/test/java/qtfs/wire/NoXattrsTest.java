package qtfs.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class NoXattrsTest {
    @Test
    void hasTheDocumentedLayout() throws Exception {
        ByteBuffer expected = new Bytes().u32(2).u32(0).u64(7).u64(0x8000000000000001L).done();
        assertArrayEquals(Bytes.array(expected), Bytes.array(NoXattrs.encode(new long[] {7, 0x8000000000000001L, 99}, 2)));
        assertArrayEquals(new long[] {7, 0x8000000000000001L}, NoXattrs.decode(expected).nodeIds());
    }

    @Test
    void rejectsCountsThatDoNotMatch() {
        assertRejected(new Bytes().u32(0).u32(0).done(), "NO_XATTRS: count 0 out of range 1..65536");
        assertRejected(new Bytes().u32(2).u32(0).u64(1).done(), "NO_XATTRS: 2 node ids need 16 bytes, the frame has 8");
        assertRejected(new Bytes().u32(1).u32(0).u64(1).u32(0).done(), "NO_XATTRS: 1 node ids need 8 bytes, the frame has 12");
        assertRejected(new Bytes().u32(1).u32(5).u64(1).done(), "NO_XATTRS: reserved field reserved is 0x5, must be 0");
        assertRejected(new Bytes().u32(0x7fffffff).u32(0).done(), "NO_XATTRS: count 2147483647 out of range 1..65536");
    }

    private static void assertRejected(ByteBuffer payload, String message) {
        var e = assertThrows(ProtocolException.class, () -> NoXattrs.decode(payload));
        assertEquals(message, e.getMessage());
    }
}
