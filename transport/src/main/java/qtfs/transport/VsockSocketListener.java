package qtfs.transport;

import java.io.IOException;

import qtfs.sys.AllowedCids;
import qtfs.sys.ErrnoException;
import qtfs.sys.VsockAddress;
import qtfs.sys.VsockChannel;
import qtfs.sys.VsockListener;

/**
 * vsock: a peer is known by its CID, which the hypervisor assigns and a guest cannot forge.
 * Only the CIDs of the policy are served; any other is refused, and the refusal logged.
 */
final class VsockSocketListener implements Listener {
    private final VsockListener listener;
    private final AllowedCids allowed;
    private final int maxFrameSize;
    private final Address.Vsock address;

    private VsockSocketListener(VsockListener listener, AllowedCids allowed, int maxFrameSize) {
        this.listener = listener;
        this.allowed = allowed;
        this.maxFrameSize = maxFrameSize;
        VsockAddress bound = listener.localAddress();
        this.address = new Address.Vsock(bound.cid(), bound.port());
    }

    static Listener bind(Address.Vsock vsock, AllowedCids allowed, int maxFrameSize) throws ErrnoException {
        return new VsockSocketListener(VsockListener.bind(vsock.toVsockAddress()), allowed, maxFrameSize);
    }

    static String identity(VsockAddress peer) {
        return "CID " + VsockAddress.cidText(peer.cid());
    }

    @Override
    public Address address() {
        return address;
    }

    @Override
    public Incoming accept() throws IOException {
        VsockChannel ch = listener.accept();
        VsockAddress peer = ch.remoteAddress();
        return Incoming.checked(ChannelLink.vsock(ch, peer.toString(), identity(peer)), maxFrameSize, allowed.refusal(peer));
    }

    @Override
    public boolean isOpen() {
        return listener.isOpen();
    }

    @Override
    public void close() {
        listener.close();
    }

    @Override
    public String toString() {
        return address.toString();
    }
}
