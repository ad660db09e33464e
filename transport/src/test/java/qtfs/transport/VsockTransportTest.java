package qtfs.transport;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import qtfs.sys.AllowedCids;
import qtfs.sys.Vsock;
import qtfs.sys.VsockAddress;
import qtfs.wire.FrameHeader;

/**
 * vsock as far as these machines go (no vsock loopback: nothing can connect): the decision
 * on a peer's CID, binding and listening, and the errors of both sides.
 */
class VsockTransportTest {
    private static final int MAX = FrameHeader.DEFAULT_MAX_FRAME_SIZE;
    private static final Address.Vsock ANY_PORT = new Address.Vsock(Vsock.VMADDR_CID_ANY, Vsock.VMADDR_PORT_ANY);

    private static AcceptPolicy allowing(String cids) {
        return new AcceptPolicy(AcceptPolicy.defaults().tlsDir(), false, AllowedUids.ROOT, Optional.of(AllowedCids.parse(cids)));
    }

    @Test
    void onlyTheAllowedCidsAreServed() {
        // the decision the listener applies to every accepted peer (AllowedCids.refusal)
        AllowedCids three = AllowedCids.parse("3,4");
        assertNull(three.refusal(new VsockAddress(3, 1035)));
        assertNull(three.refusal(new VsockAddress(4, 1)));
        assertEquals("CID 7 is not allowed (--allow-cid 3,4)", three.refusal(new VsockAddress(7, 1035)));
        assertEquals("CID 2 is not allowed (--allow-cid 3,4)", three.refusal(new VsockAddress(Vsock.VMADDR_CID_HOST, 1035)));
        assertNull(AllowedCids.any().refusal(new VsockAddress(7, 1035)));
        assertEquals("CID 3", VsockSocketListener.identity(new VsockAddress(3, 1035)));
    }

    @Test
    void listensOnTheAddressAskedForAndReportsThePort() throws Exception {
        try (Listener l = Listener.bind(ANY_PORT, allowing("3"), MAX)) {
            Address.Vsock bound = (Address.Vsock) l.address();
            assertEquals(Vsock.VMADDR_CID_ANY, bound.cid());
            assertNotEquals(Vsock.VMADDR_PORT_ANY, bound.port());
            assertEquals("vsock:any:" + Integer.toUnsignedString(bound.port()), bound.toString());
            assertEquals(bound, Address.parse(bound.toString()));
            var taken = assertThrows(IOException.class, () -> Listener.bind(bound, allowing("3"), MAX));
            assertEquals("cannot listen on " + bound + ": bind " + bound + ": Address already in use (EADDRINUSE)", taken.getMessage());
        }
    }

    @Test
    void listeningWithoutAllowedCidsIsRefused() {
        var e = assertThrows(IOException.class, () -> Listener.bind(ANY_PORT, AcceptPolicy.defaults(), MAX));
        assertEquals("cannot listen on " + ANY_PORT + " without --allow-cid: qtfsd accepts vsock connections only from the CIDs "
                + "it is told to (e.g. --allow-cid 3, or --allow-cid any)", e.getMessage());
        var check = assertThrows(IllegalArgumentException.class,
                () -> AcceptPolicy.defaults().checkCovers(List.of(Address.parse("unix:/run/x.sock"), Address.parse("vsock:any:7000"))));
        assertEquals("cannot listen on vsock:any:7000 without --allow-cid: qtfsd accepts vsock connections only from the CIDs it is "
                + "told to (e.g. --allow-cid 3, or --allow-cid any)", check.getMessage());
    }

    @Test
    void connectErrorsNameTheAddress() throws Exception {
        Address.Vsock self = new Address.Vsock(Vsock.localCid(), 12345);
        var e = assertThrows(IOException.class, () -> Connector.to(self, ClientTls.defaults()).connect(MAX, java.time.Duration.ofSeconds(3)));
        assertTrue(e.getMessage().matches("cannot connect to " + self + ": .+ \\(E[A-Z]+\\)"), e.getMessage());
        var any = assertThrows(IOException.class, () -> Connector.to(Address.parse("vsock:any:12345"), ClientTls.defaults()).connect(MAX));
        assertEquals("cannot connect to vsock:any:12345: name the server's CID, e.g. vsock:2:12345", any.getMessage());
    }
}
