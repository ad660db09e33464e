package qtfs.client;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import qtfs.sys.Statx;

/**
 * Symlinks the client makes up itself (proc mode's {@code self}, {@code thread-self},
 * {@code mounts}), each a node of its own with a node id that the server never hands out: the
 * top bit is set (server node ids count up from 1). One node stands for one link text, so the
 * text the kernel caches for a node (FUSE_CACHE_SYMLINKS) is always right for it, and two
 * callers whose {@code self} differ get different nodes. A node lives while the kernel holds a
 * lookup of it, as the server's nodes do.
 */
final class LocalSymlinks {
    /** The first local node id; every local id has the top bit set. */
    static final long FIRST_ID = Long.MIN_VALUE;

    private final class Link {
        final long nodeid;
        final byte[] text;
        final String key;
        long lookups;

        Link(long nodeid, String key) {
            this.nodeid = nodeid;
            this.key = key;
            this.text = key.getBytes(StandardCharsets.UTF_8);
        }

        LocalReply.Attributes attributes() {
            return new LocalReply.Attributes(nodeid, text.length, Statx.S_IFLNK | 0777, createdAt);
        }
    }

    private final long createdAt = System.currentTimeMillis() / 1000;
    private final Map<String, Link> byText = new HashMap<>();
    private final Map<Long, Link> byId = new HashMap<>();
    private long nextId = FIRST_ID;

    /** Whether {@code nodeid} is one of these links rather than a server node. */
    static boolean isLocal(long nodeid) {
        return nodeid < 0;
    }

    /** One more kernel lookup of the link with {@code text}: its attributes, whose inode number is its node id. */
    synchronized LocalReply.Attributes lookUp(String text) {
        Link link = byText.get(text);
        if (link == null) {
            link = new Link(nextId++, text);
            byText.put(text, link);
            byId.put(link.nodeid, link);
        }
        link.lookups++;
        return link.attributes();
    }

    /** The attributes of node {@code nodeid}, or null when the kernel no longer holds it. */
    synchronized LocalReply.Attributes attributes(long nodeid) {
        Link link = byId.get(nodeid);
        return link == null ? null : link.attributes();
    }

    /** The text of node {@code nodeid}, or null when the kernel no longer holds it. */
    synchronized byte[] text(long nodeid) {
        Link link = byId.get(nodeid);
        return link == null ? null : link.text;
    }

    /** The kernel dropped {@code count} lookups of {@code nodeid}. */
    synchronized void forget(long nodeid, long count) {
        Link link = byId.get(nodeid);
        if (link == null) return;
        link.lookups -= Math.min(link.lookups, count < 0 ? Long.MAX_VALUE : count);
        if (link.lookups > 0) return;
        byId.remove(nodeid);
        byText.remove(link.key);
    }

    /** How many links the kernel holds. */
    synchronized int size() {
        return byId.size();
    }
}
