package qtfs.transport;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class AddressTest {

    @Test
    void parsesUnixAndTcpForms() {
        assertEquals(new Address.Unix(Path.of("/run/qtfs/qtfsd.sock")), Address.parse("unix:/run/qtfs/qtfsd.sock"));
        assertEquals(new Address.Tcp("10.0.0.1", 12121), Address.parse("tcp:10.0.0.1:12121"));
        assertEquals(new Address.Tcp("host.example", 0), Address.parse("tcp:host.example:0"));
        assertEquals(new Address.Tcp("::1", 65535), Address.parse("tcp:[::1]:65535"));
        assertEquals(new Address.Tcp("fe80::1%eth0", 7), Address.parse("tcp:[fe80::1%eth0]:7"));
    }

    @Test
    void toStringIsTheCanonicalFormAndParsesBack() {
        for (String text : new String[] {"unix:/run/qtfs/qtfsd.sock", "unix:relative.sock", "tcp:10.0.0.1:12121", "tcp:[::1]:80"}) {
            assertEquals(text, Address.parse(text).toString());
            assertEquals(Address.parse(text), Address.parse(Address.parse(text).toString()));
        }
        assertEquals("tcp:[2001:db8::2]:9", new Address.Tcp("2001:db8::2", 9).toString());
    }

    @Test
    void parsesVsockAddresses() {
        assertEquals(new Address.Vsock(2, 12345), Address.parse("vsock:2:12345"));
        assertEquals(new Address.Vsock(qtfs.sys.Vsock.VMADDR_CID_ANY, 12345), Address.parse("vsock:any:12345"));
        assertEquals(new Address.Vsock(qtfs.sys.Vsock.VMADDR_CID_ANY, 12345), Address.parse("vsock:12345"));
        assertEquals(new Address.Vsock((int) 4000000000L, (int) 4294967294L), Address.parse("vsock:4000000000:4294967294"));
        for (String text : new String[] {"vsock:3:7000", "vsock:any:7000", "vsock:4000000000:1"}) {
            assertEquals(text, Address.parse(text).toString());
        }
        assertEquals("vsock:any:7000", Address.parse("vsock:7000").toString());
    }

    @Test
    void rejectsMalformedVsockAddresses() {
        assertBad("vsock:", "bad address 'vsock:': port '' is not a number 0..4294967294");
        assertBad("vsock:x:1", "bad address 'vsock:x:1': CID 'x' is not a number 0..4294967294 (or 'any')");
        assertBad("vsock:3:99999999999", "bad address 'vsock:3:99999999999': port '99999999999' is not a number 0..4294967294");
        assertBad("vsock:4294967295:1", "bad address 'vsock:4294967295:1': CID 4294967295 means any CID; write vsock:any:PORT");
    }

    @Test
    void rejectsMalformedAddresses() {
        assertBad("/run/qtfs.sock", "bad address '/run/qtfs.sock': expected unix:PATH, tcp:HOST:PORT, tcp:[IPv6]:PORT or vsock:CID:PORT");
        assertBad("unix:", "bad address 'unix:': unix: needs a socket path, e.g. unix:/run/qtfs/qtfsd.sock");
        assertBad("tcp:host", "bad address 'tcp:host': expected tcp:HOST:PORT");
        assertBad("tcp::80", "bad address 'tcp::80': the host is missing");
        assertBad("tcp:host:", "bad address 'tcp:host:': port '' is not a number 0..65535");
        assertBad("tcp:host:http", "bad address 'tcp:host:http': port 'http' is not a number 0..65535");
        assertBad("tcp:host:65536", "bad address 'tcp:host:65536': port 65536 is out of range 0..65535");
        assertBad("tcp:host:-1", "bad address 'tcp:host:-1': port '-1' is not a number 0..65535");
        assertBad("tcp:::1:80", "bad address 'tcp:::1:80': write IPv6 addresses in brackets, e.g. tcp:[::1]:PORT");
        assertBad("tcp:[::1]80", "bad address 'tcp:[::1]80': expected tcp:[IPv6]:PORT");
        assertBad("tcp:[10.0.0.1]:80", "bad address 'tcp:[10.0.0.1]:80': brackets are for IPv6 addresses only");
        assertBad("unix:/" + "x".repeat(107),
                "bad address 'unix:/" + "x".repeat(107) + "': unix socket path /" + "x".repeat(107)
                        + " is 108 bytes long; at most 107 fit in a socket address");
    }

    private static void assertBad(String text, String message) {
        var e = assertThrows(IllegalArgumentException.class, () -> Address.parse(text));
        assertEquals(message, e.getMessage());
    }
}
