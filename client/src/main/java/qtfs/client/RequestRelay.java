package qtfs.client;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;

import qtfs.fuse.FuseHandler;
import qtfs.fuse.FuseSession;
import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.InitParams;
import qtfs.fuse.proto.Le;
import qtfs.fuse.proto.Opcode;
import qtfs.sys.Arch;
import qtfs.sys.Errno;
import qtfs.wire.Architecture;
import qtfs.wire.Attach;
import qtfs.wire.FrameHeader;
import qtfs.wire.FuseFrames;

/**
 * The client's FUSE file system: attaches to the server once the kernel's INIT tells the
 * parameters, then forwards every request over the server links, leaving the replies to them.
 * The node ids and file handles the kernel sees are the {@link NodeTable}'s, which the links
 * translate on the way; FORGETs only update the table, which tells the server when the kernel
 * holds a node no more.
 */
final class RequestRelay implements FuseHandler {
    private static final System.Logger LOG = System.getLogger(RequestRelay.class.getName());
    static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(30);

    private final ClientOptions options;
    private final List<ServerLink> links;
    private final CallerGroups callerGroups;
    private final ReleaseOrder releases = new ReleaseOrder();
    private final StreamFiles streams = new StreamFiles();
    private volatile NotificationQueue notifications;
    private final LocalAnswers local;
    private final NodeTable nodes = new NodeTable();
    private volatile AttachException attachFailure;

    /** With {@code localProc} the client's own proc in proc mode, else null. */
    RequestRelay(ClientOptions options, List<ServerLink> links, LocalProc localProc) {
        this.options = options;
        this.links = List.copyOf(links);
        this.callerGroups = localProc != null ? new CallerGroups(localProc.root()) : new CallerGroups();
        this.local = new LocalAnswers(options.attrTimeout(),
                localProc != null ? new ProcModeAnswers(localProc, options.procMode().localProcesses()) : null);
    }

    /**
     * Runs before the kernel gets its INIT answer, so no request arrives before the links are
     * attached. The first link creates the server session; the others join it with its token.
     */
    @Override
    public void onInit(FuseSession session, InitParams init) {
        Attach first = new Attach(0, init.minor(), init.maxWrite(), init.flags(), options.entryTimeout(), options.attrTimeout(),
                Architecture.valueOf(Arch.current().name()), options.serverPath());
        long token;
        try {
            token = links.get(0).attach(first, ATTACH_TIMEOUT);
        } catch (AttachException e) {
            attachFailure = e;
            throw new IllegalStateException("the server refused: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        Attach join = new Attach(token, first.fuseMinor(), first.maxWrite(), first.fuseFlags(), first.entryTimeout(),
                first.attrTimeout(), first.architecture(), first.exportPath());
        ServerSession serverSession = new ServerSession(join, nodes);
        notifications = new NotificationQueue(session);
        links.get(0).startReceiving(session, serverSession, releases, notifications, local.xattrs(), streams);
        for (int i = 1; i < links.size(); i++) {
            try {
                links.get(i).attach(join, ATTACH_TIMEOUT);
                links.get(i).startReceiving(session, serverSession, releases, notifications, local.xattrs(), streams);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "{0} could not join the session, carrying on without it: {1}", links.get(i), e.getMessage());
                links.get(i).close();
            }
        }
    }

    /** The server's refusal of the first ATTACH, if that is why INIT failed. */
    AttachException attachFailure() {
        return attachFailure;
    }

    @Override
    public void onRequest(FuseSession session, MemorySegment request) {
        int opcode = InHeader.opcode(request);
        long unique = InHeader.unique(request);
        if (local.answered(session, request)) return;
        if (opcode == Opcode.FORGET.code || opcode == Opcode.BATCH_FORGET.code) {
            forget(request);
            return;
        }
        boolean expectsReply = opcode != Opcode.FORGET.code && opcode != Opcode.BATCH_FORGET.code && opcode != Opcode.INTERRUPT.code;
        if (!ordered(opcode, unique, InHeader.nodeid(request))) {
            session.replyError(unique, Errno.EINTR);
            return;
        }
        int[] groups = expectsReply ? callerGroups.of(InHeader.uid(request), InHeader.pid(request)) : CallerGroups.NONE;
        int prefixSize = FuseFrames.prefixSize(groups.length);
        if (FrameHeader.SIZE + prefixSize + request.byteSize() > FrameHeader.DEFAULT_MAX_FRAME_SIZE) {
            LOG.log(System.Logger.Level.WARNING, "request {0} of pid {1}: {2} supplementary groups do not fit in a frame; answered EIO",
                    Long.toUnsignedString(unique), InHeader.pid(request), groups.length);
            if (expectsReply) {
                releases.answered(unique);
                session.replyError(unique, Errno.EIO);
            }
            return;
        }
        ByteBuffer prefix = ByteBuffer.allocate(prefixSize).order(ByteOrder.LITTLE_ENDIAN);
        FuseFrames.writePrefix(prefix, groups);
        prefix.flip();
        int n = links.size();
        int start = firstLink(opcode, request);
        // a link that is up first; else one that waits for the server keeps the request until it is back
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < n; i++) {
                if (links.get((start + i) % n).forward(unique, prefix.duplicate(), request, expectsReply, pass == 1)) return;
            }
        }
        if (expectsReply) {
            releases.answered(unique);
            session.replyError(unique, Errno.EIO);
        }
    }

    /** The table drops what the kernel forgot; the server hears of it when the kernel holds the nodes no more. */
    private void forget(MemorySegment request) {
        NodeTable.Forget forget = nodes.forget(request);
        if (forget == null) return;
        int n = links.size();
        int start = firstLink(Opcode.FORGET.code, request);
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < n; i++) {
                if (links.get((start + i) % n).forget(forget, pass == 1)) return;
            }
        }
    }

    /**
     * A RELEASE is noted; a lock request waits for the RELEASEs of its node sent before it
     * (see {@link ReleaseOrder}). False if the wait was interrupted.
     */
    private boolean ordered(int opcode, long unique, long nodeid) {
        if (opcode == Opcode.RELEASE.code) {
            releases.sent(unique, nodeid);
        } else if (opcode == Opcode.GETLK.code || opcode == Opcode.SETLK.code || opcode == Opcode.SETLKW.code) {
            try {
                releases.awaitReleasesOf(nodeid);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Which link a request goes to first. The requests of one thread (the header's pid is the
     * caller's thread id) keep to one link, so the same threads carry them on both ends and
     * the scheduler keeps them near each other: on a loaded machine a wake-up on another CPU
     * costs more than serving a lookup. Different threads spread over the links. An INTERRUPT
     * follows the request it targets, on the same link, so it cannot overtake it.
     */
    private int firstLink(int opcode, MemorySegment request) {
        int n = links.size();
        if (opcode == Opcode.INTERRUPT.code && request.byteSize() >= InHeader.SIZE + 8) {
            long target = request.get(Le.U64, InHeader.SIZE);
            for (int i = 0; i < n; i++) {
                if (links.get(i).carries(target)) return i;
            }
            return 0;
        }
        int pid = InHeader.pid(request);
        // kernel-internal requests (pid 0: releases, forgets) spread by unique, which counts up in steps of 2
        long key = pid != 0 ? pid * 0x9E3779B97F4A7C15L >>> 32 : InHeader.unique(request) >>> 1;
        return (int) Long.remainderUnsigned(key, n);
    }

    @Override
    public void onDestroy() {
        closeLinks();
    }

    void closeLinks() {
        links.forEach(ServerLink::close);
        NotificationQueue queue = notifications;
        if (queue != null) queue.close();
    }

    /** How many links still carry requests. */
    long linksUp() {
        return links.stream().filter(ServerLink::isUp).count();
    }
}
