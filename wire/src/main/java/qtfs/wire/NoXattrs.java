package qtfs.wire;

import java.nio.ByteBuffer;

/**
 * NO_XATTRS: nodes that have no extended attributes at all as the server answers a request,
 * sent before the FUSE_REPLY of that request (a directory listing, a getxattr that found
 * nothing). The client may then answer the kernel's getxattr and listxattr requests for those
 * nodes itself, for as long as it may cache their attributes.
 */
public record NoXattrs(long[] nodeIds) {
    /** Most node ids in one frame (a 1 MiB listing holds fewer entries). */
    public static final int MAX_NODES = 65536;

    public NoXattrs {
        if (nodeIds.length == 0 || nodeIds.length > MAX_NODES) {
            throw new IllegalArgumentException("NO_XATTRS carries 1.." + MAX_NODES + " node ids, not " + nodeIds.length);
        }
    }

    /** The payload for the first {@code count} ids of {@code nodeIds}. */
    public static ByteBuffer encode(long[] nodeIds, int count) {
        if (count < 1 || count > MAX_NODES || count > nodeIds.length) throw new IllegalArgumentException("NO_XATTRS of " + count + " node ids");
        PayloadWriter w = new PayloadWriter(8 + 8 * count).u32(count).u32(0);
        for (int i = 0; i < count; i++) w.u64(nodeIds[i]);
        return w.done();
    }

    public ByteBuffer encode() {
        return encode(nodeIds, nodeIds.length);
    }

    public static NoXattrs decode(ByteBuffer payload) throws ProtocolException {
        PayloadReader r = new PayloadReader(payload, "NO_XATTRS");
        int count = r.u32("count");
        r.zero32("reserved");
        if (count == 0 || Integer.toUnsignedLong(count) > MAX_NODES) throw r.invalid("count " + Integer.toUnsignedString(count) + " out of range 1.." + MAX_NODES);
        if ((long) count * 8 != r.remaining()) throw r.invalid(count + " node ids need " + 8L * count + " bytes, the frame has " + r.remaining());
        long[] ids = new long[count];
        for (int i = 0; i < count; i++) ids[i] = r.u64("node id");
        r.end();
        return new NoXattrs(ids);
    }
}
