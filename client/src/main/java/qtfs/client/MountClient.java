package qtfs.client;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import qtfs.fuse.FuseMountException;
import qtfs.fuse.FuseMountOptions;
import qtfs.fuse.FuseSession;
import qtfs.fuse.proto.InitFlags;
import qtfs.transport.Connector;
import qtfs.transport.Handshake;
import qtfs.wire.Features;
import qtfs.wire.FrameHeader;

/**
 * A server directory mounted on a local directory: a FUSE session whose requests travel to
 * qtfsd over one or more connections.
 */
public final class MountClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MountClient.class.getName());
    /** Largest WRITE the kernel may send: what a default-size frame carries besides headers. */
    static final int MAX_WRITE = FrameHeader.DEFAULT_MAX_FRAME_SIZE - (64 << 10);
    private static final Duration INIT_TIMEOUT = Duration.ofSeconds(60);
    /**
     * POSIX_ACL makes the client kernel check permissions itself (default_permissions), with
     * the file's ACLs, before asking the server, which checks again as the caller. The server
     * alone cannot: a cached name skips the search permission of the directories above it,
     * so a caller could reach a file under a directory it may not search, or keep reaching it
     * after a chmod of the directory, until the cached name expires.
     */
    static final long PERMISSION_CHECKS = InitFlags.POSIX_ACL;
    /**
     * DONT_MASK: the kernel sends the caller's umask along instead of applying it, and the
     * server creates with it, so that a default ACL of the parent directory wins over the
     * umask as it does locally.
     */
    static final long SERVER_APPLIES_UMASK = InitFlags.DONT_MASK;

    private final FuseSession session;
    private final RequestRelay relay;
    /** The server's mounts below the export, shown as mounts of their own; null for such a mount itself. */
    private final SubmountMirror submounts;

    private MountClient(FuseSession session, RequestRelay relay, SubmountMirror submounts) {
        this.session = session;
        this.relay = relay;
        this.submounts = submounts;
    }

    /**
     * Connects to the server, mounts, attaches to the server directory, and returns once the
     * mount serves requests. On failure nothing stays mounted or connected.
     */
    public static MountClient mount(ClientOptions options) throws MountException {
        return mount(options, Recovery.defaults());
    }

    /** {@link #mount(ClientOptions)}, with what to do when the server goes away. */
    public static MountClient mount(ClientOptions options, Recovery recovery) throws MountException {
        return mount(options, recovery, new SubmountMirror(options, recovery));
    }

    /** A mount of one of the server's mounts below an export ({@link SubmountMirror}): it mirrors none itself. */
    static MountClient mountMirror(ClientOptions options, Recovery recovery) throws MountException {
        return mount(options, recovery, null);
    }

    private static MountClient mount(ClientOptions options, Recovery recovery, SubmountMirror submounts) throws MountException {
        String what = options.serverPath() + " from " + options.server() + " on " + options.mountpoint();
        LocalProc localProc = null;
        if (options.procMode().enabled()) {
            try {
                localProc = LocalProc.open(options.procMode().localProc(), options.mountpoint());
            } catch (MountException e) {
                throw new MountException("cannot mount " + what + " in proc mode: " + e.getMessage(), e);
            }
        }
        // hints about absent extended attributes live as long as cached attributes: none without caching
        Handshake handshake = new Handshake(Handshake.localIdentity("qtfs"),
                (options.attrTimeout().isZero() ? 0 : Features.NO_XATTRS_HINTS) | (submounts == null ? 0 : Features.SUBMOUNTS)
                        | (options.localFifos() ? 0 : Features.FIFO_STREAMS));
        List<ServerLink> links = new ArrayList<>();
        try {
            Connector connector = Connector.to(options.server(), options.tls());
            for (int i = 0; i < options.connections(); i++) links.add(ServerLink.open(i, connector, handshake, recovery));
        } catch (IOException e) {
            links.forEach(ServerLink::close);
            throw new MountException("cannot mount " + what + ": " + e.getMessage(), e);
        }
        if (submounts != null) links.forEach(l -> l.onSubmounts(submounts::serverSays));
        RequestRelay relay = new RequestRelay(options, links, localProc);
        FuseSession session;
        try {
            session = FuseSession.mount(fuseOptions(options), relay);
        } catch (FuseMountException | RuntimeException e) {
            relay.closeLinks();
            throw new MountException("cannot mount " + what + ": " + e.getMessage(), e);
        }
        try {
            session.start();
            session.awaitInit(INIT_TIMEOUT);
        } catch (FuseMountException e) {
            session.close();
            relay.closeLinks();
            AttachException refused = relay.attachFailure();
            throw new MountException("cannot mount " + what + ": "
                    + (refused != null ? "the server refused: " + refused.getMessage() : e.getMessage()), e);
        } catch (InterruptedException e) {
            session.close();
            relay.closeLinks();
            Thread.currentThread().interrupt();
            throw new MountException("cannot mount " + what + ": interrupted", e);
        }
        LOG.log(System.Logger.Level.INFO, "mounted {0} ({1} of {2} connections up)", what, relay.linksUp(), options.connections());
        if (submounts != null) submounts.start();
        return new MountClient(session, relay, submounts);
    }

    private static FuseMountOptions fuseOptions(ClientOptions o) {
        // the source shows in /proc/mounts; mount(8) options cannot carry commas or blanks in it
        String source = o.serverPath().replaceAll("[,\\s]", "_");
        return new FuseMountOptions(o.mountpoint(), source, "qtfs", o.fuseThreads(), MAX_WRITE, o.allowOther(), o.readOnly(),
                FuseSession.DEFAULT_INIT_FLAGS | PERMISSION_CHECKS | SERVER_APPLIES_UMASK);
    }

    /** Returns once the file system is unmounted, by {@link #close()} or from outside (umount). */
    public void awaitUnmount() throws InterruptedException {
        session.awaitExit();
    }

    /** Unmounts (lazily, if busy) and disconnects from the server. */
    @Override
    public void close() {
        if (submounts != null) submounts.close();
        session.close();
        relay.closeLinks();
    }
}
