package qtfs.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class VsockAddressTest {
    @Test
    void readsTheThreeForms() {
        assertEquals(new VsockAddress(3, 12345), VsockAddress.parse("vsock:3:12345"));
        assertEquals(VsockAddress.anyCid(12345), VsockAddress.parse("vsock:any:12345"));
        assertEquals(VsockAddress.anyCid(12345), VsockAddress.parse("vsock:12345"));
    }

    @Test
    void unsignedValuesRoundTrip() {
        VsockAddress big = VsockAddress.parse("vsock:4294967294:4294967294");
        assertEquals(-2, big.cid());
        assertEquals(-2, big.port());
        assertEquals("vsock:4294967294:4294967294", big.toString());
        assertEquals("vsock:any:7", VsockAddress.parse("vsock:any:7").toString());
        assertEquals("vsock:2:7", VsockAddress.parse("vsock:2:7").toString());
    }

    @Test
    void badTextIsExplained() {
        assertEquals("bad address 'vsock:x:1': CID 'x' is not a number 0..4294967294 (or 'any')",
                assertThrows(IllegalArgumentException.class, () -> VsockAddress.parse("vsock:x:1")).getMessage());
        assertEquals("bad address 'vsock:3:': port '' is not a number 0..4294967294",
                assertThrows(IllegalArgumentException.class, () -> VsockAddress.parse("vsock:3:")).getMessage());
        assertEquals("bad address 'vsock:3:99999999999': port '99999999999' is not a number 0..4294967294",
                assertThrows(IllegalArgumentException.class, () -> VsockAddress.parse("vsock:3:99999999999")).getMessage());
        assertEquals("bad address 'vsock:4294967295:1': CID 4294967295 means any CID; write vsock:any:PORT",
                assertThrows(IllegalArgumentException.class, () -> VsockAddress.parse("vsock:4294967295:1")).getMessage());
        assertEquals("bad address 'vsock:-1:1': CID '-1' is not a number 0..4294967294 (or 'any')",
                assertThrows(IllegalArgumentException.class, () -> VsockAddress.parse("vsock:-1:1")).getMessage());
        assertEquals("bad address 'vsock:1:2:3': port '2:3' is not a number 0..4294967294",
                assertThrows(IllegalArgumentException.class, () -> VsockAddress.parse("vsock:1:2:3")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> VsockAddress.parse("tcp:1:2"));
    }
}
