package qtfs.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Real AF_VSOCK sockets. These machines have no vsock loopback, so a connection cannot be
 * made here: the tests go as far as bind, listen and accept, and the errors of connect.
 */
class VsockTest {
    /** "connect vsock:3:PORT: <text> (E...)", whatever errno the kernel picks for a peer it cannot reach. */
    private static void assertNamesAddressAndErrno(ErrnoException e, String call, VsockAddress address) {
        String expected = "^" + Pattern.quote(call + " " + address + ": ") + ".+ \\(E[A-Z]+\\)$";
        assertTrue(e.getMessage().matches(expected), e.getMessage());
        assertEquals(Errno.name(e.errno()), e.getMessage().replaceAll(".*\\((E[A-Z]+)\\)$", "$1"));
    }

    @Test
    void bindsListensAndReportsTheChosenPort() throws Exception {
        try (VsockListener listener = VsockListener.bind(VsockAddress.anyCid(Vsock.VMADDR_PORT_ANY))) {
            VsockAddress bound = listener.localAddress();
            assertEquals(Vsock.VMADDR_CID_ANY, bound.cid());
            assertNotEquals(Vsock.VMADDR_PORT_ANY, bound.port());
            assertEquals("vsock:any:" + Integer.toUnsignedString(bound.port()), listener.toString());
            assertEquals(Vsock.BUFFER_SIZE, listener.bufferSize());
        }
    }

    @Test
    void bindsTheExactPortAskedFor() throws Exception {
        int port;
        try (VsockListener first = VsockListener.bind(VsockAddress.anyCid(Vsock.VMADDR_PORT_ANY))) {
            port = first.localAddress().port();
        }
        try (VsockListener again = VsockListener.bind(VsockAddress.anyCid(port))) {
            assertEquals(VsockAddress.anyCid(port), again.localAddress());
        }
    }

    @Test
    void aPortInUseIsRefusedWithEaddrinuse() throws Exception {
        try (VsockListener first = VsockListener.bind(VsockAddress.anyCid(Vsock.VMADDR_PORT_ANY))) {
            VsockAddress taken = first.localAddress();
            ErrnoException e = assertThrows(ErrnoException.class, () -> VsockListener.bind(taken));
            assertEquals(Errno.EADDRINUSE, e.errno());
            assertEquals("bind " + taken + ": Address already in use (EADDRINUSE)", e.getMessage());
        }
    }

    @Test
    void bindingAnotherMachinesCidIsRefused() throws Exception {
        VsockAddress foreign = new VsockAddress(Vsock.localCid() + 1000, Vsock.VMADDR_PORT_ANY);
        ErrnoException e = assertThrows(ErrnoException.class, () -> VsockListener.bind(foreign));
        assertEquals(Errno.EADDRNOTAVAIL, e.errno());
        assertNamesAddressAndErrno(e, "bind", foreign);
    }

    @Test
    void localCidIsAGuestCid() throws Exception {
        int cid = Vsock.localCid();
        assertTrue(Integer.toUnsignedLong(cid) > Vsock.VMADDR_CID_HOST, "local CID " + Integer.toUnsignedString(cid));
        assertNotEquals(Vsock.VMADDR_CID_ANY, cid);
    }

    @Test
    void connectingToACidWithNoRouteNamesTheAddressAndTheErrno() throws Exception {
        // our own CID: without the loopback transport nothing carries the connection
        VsockAddress self = new VsockAddress(Vsock.localCid(), 12345);
        ErrnoException e = assertThrows(ErrnoException.class, () -> VsockChannel.connect(self, Duration.ofSeconds(5)));
        assertNamesAddressAndErrno(e, "connect", self);
    }

    @Test
    void aConnectThatGetsNoAnswerEndsAtTheTimeout() throws Exception {
        VsockAddress local = new VsockAddress(Vsock.VMADDR_CID_LOCAL, 12345);
        ErrnoException e = assertThrows(ErrnoException.class, () -> VsockChannel.connect(local, Duration.ofMillis(300)));
        assertNamesAddressAndErrno(e, "connect", local);
    }

    @Test
    void connectingToAnyCidIsAnArgumentError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VsockChannel.connect(VsockAddress.anyCid(12345), Duration.ofSeconds(1)));
        assertEquals("cannot connect to vsock:any:12345: name the server's CID, e.g. vsock:2:12345", e.getMessage());
    }

    @Test
    void closeEndsABlockedAccept() throws Exception {
        VsockListener listener = VsockListener.bind(VsockAddress.anyCid(Vsock.VMADDR_PORT_ANY));
        try {
            CompletableFuture<VsockChannel> accepted = new CompletableFuture<>();
            Thread acceptor = Thread.ofPlatform().start(() -> {
                try {
                    accepted.complete(listener.accept());
                } catch (Throwable t) {
                    accepted.completeExceptionally(t);
                }
            });
            // wait until the acceptor is inside accept (blocked in poll)
            Blocked.awaitInside(acceptor, VsockListener.class, "accept");
            listener.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> accepted.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof AsynchronousCloseException, e.getCause().toString());
            acceptor.join(10_000);
            assertFalse(acceptor.isAlive());
        } finally {
            listener.close();
        }
        assertFalse(listener.isOpen());
        assertThrows(ClosedChannelException.class, listener::accept);
    }

    @Test
    void closedListenerReleasesItsPort() throws Exception {
        VsockAddress bound;
        try (VsockListener listener = VsockListener.bind(VsockAddress.anyCid(Vsock.VMADDR_PORT_ANY))) {
            bound = listener.localAddress();
        }
        VsockListener.bind(bound).close();
    }
}
