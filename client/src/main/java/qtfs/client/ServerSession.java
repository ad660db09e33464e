package qtfs.client;

import java.io.IOException;

import qtfs.wire.Attach;

/**
 * The server session the links of a mount share: the ATTACH that joins it (with its token),
 * and the {@link NodeTable} that translates between the kernel's ids and the session's. When
 * the server no longer knows the token (it restarted, or the mount was away longer than its
 * grace period), the first link to find out attaches a new session and re-establishes the
 * table on it; the others then join that session.
 */
final class ServerSession {
    private static final System.Logger LOG = System.getLogger(ServerSession.class.getName());

    /** Attaches a connection: sends the ATTACH and returns the token the server answered with. */
    interface Attacher {
        long attach(Attach request) throws IOException;
    }

    private final NodeTable nodes;
    private Attach join;

    ServerSession(Attach join, NodeTable nodes) {
        this.join = join;
        this.nodes = nodes;
    }

    NodeTable nodes() {
        return nodes;
    }

    /** The ATTACH that joins the current session. */
    synchronized Attach join() {
        return join;
    }

    /**
     * The server refused {@code stale}: unless another link replaced the session meanwhile
     * (then returns its ATTACH, which {@code attacher}'s connection must still send), attaches
     * a new session through {@code attacher}, re-establishes the nodes and open files over
     * {@code exchange} on the same connection, and returns null: that connection is attached.
     */
    synchronized Attach renew(Attach stale, Attacher attacher, NodeTable.Exchange exchange) throws IOException {
        if (join.token() != stale.token()) return join;
        long token = attacher.attach(withToken(0));
        NodeTable.Outcome found = nodes.reestablish(exchange);
        join = withToken(token);
        LOG.log(System.Logger.Level.WARNING, "the server had lost this mount''s session (restarted?): a new session holds {0} nodes and "
                        + "{1} open files again; {2} nodes and {3} open files could not be re-established and fail with EIO",
                found.nodes(), found.files(), found.lostNodes(), found.lostFiles());
        return null;
    }

    private Attach withToken(long token) {
        return new Attach(token, join.fuseMinor(), join.maxWrite(), join.fuseFlags(), join.entryTimeout(), join.attrTimeout(),
                join.architecture(), join.exportPath());
    }
}
