package qtfs.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The FUSE-carrying frames. FUSE_REQUEST starts with a prefix holding the caller's
 * supplementary groups ({@code u16 ngroups, u16 0, u32 0, u32 groups[ngroups]}), then one
 * FUSE request whose {@code fuse_in_header.len} must equal the rest of the payload.
 * FUSE_REPLY and FUSE_NOTIFY carry one message whose {@code fuse_out_header.len} must equal
 * the payload length.
 */
public final class FuseFrames {
    private FuseFrames() {}

    /** sizeof(struct fuse_in_header) */
    public static final int IN_HEADER_SIZE = 40;
    /** sizeof(struct fuse_out_header) */
    public static final int OUT_HEADER_SIZE = 16;
    /** Most groups a prefix can carry (its count is a u16). */
    public static final int MAX_GROUPS = 0xffff;

    /** Bytes of the prefix in front of the FUSE request. */
    public static int prefixSize(int ngroups) {
        if (ngroups < 0 || ngroups > MAX_GROUPS) throw new IllegalArgumentException(ngroups + " groups do not fit in a FUSE_REQUEST (at most " + MAX_GROUPS + ")");
        return 8 + 4 * ngroups;
    }

    /** Writes the prefix at {@code dst}'s position, advancing it. */
    public static void writePrefix(ByteBuffer dst, int[] groups) {
        prefixSize(groups.length);
        ByteOrder order = dst.order();
        dst.order(ByteOrder.LITTLE_ENDIAN).putShort((short) groups.length).putShort((short) 0).putInt(0);
        for (int g : groups) dst.putInt(g);
        dst.order(order);
    }

    /**
     * Checks a FUSE_REQUEST payload (from its position to its limit) and returns the caller's
     * groups; the FUSE request starts {@link #prefixSize}{@code (groups.length)} bytes in.
     */
    public static int[] readRequestGroups(ByteBuffer payload) throws ProtocolException {
        PayloadReader r = new PayloadReader(payload, "FUSE_REQUEST");
        int ngroups = r.u16("ngroups");
        r.zero16("padding after ngroups");
        r.zero32("reserved");
        if ((long) ngroups * 4 > r.remaining()) {
            throw r.invalid(ngroups + " groups run past the end of the frame (" + r.remaining() + " bytes left)");
        }
        int[] groups = new int[ngroups];
        for (int i = 0; i < ngroups; i++) groups[i] = r.u32("group");
        int rest = r.remaining();
        if (rest < IN_HEADER_SIZE) throw r.invalid("FUSE request of " + rest + " bytes is shorter than fuse_in_header (" + IN_HEADER_SIZE + ")");
        long len = Integer.toUnsignedLong(payload.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(payload.position() + r.position()));
        if (len != rest) throw r.invalid("fuse_in_header.len is " + len + " but the frame carries " + rest + " bytes of FUSE request");
        return groups;
    }

    /** Checks a FUSE_REPLY or FUSE_NOTIFY payload (from its position to its limit). */
    public static void checkReply(ByteBuffer payload, FrameType type) throws ProtocolException {
        int size = payload.remaining();
        if (size < OUT_HEADER_SIZE) {
            throw new ProtocolException(type + ": message of " + size + " bytes is shorter than fuse_out_header (" + OUT_HEADER_SIZE + ")");
        }
        long len = Integer.toUnsignedLong(payload.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(payload.position()));
        if (len != size) throw new ProtocolException(type + ": fuse_out_header.len is " + len + " but the frame carries " + size + " bytes");
    }

    /** fuse_out_header.unique of a FUSE_REPLY payload already accepted by {@link #checkReply}. */
    public static long replyUnique(ByteBuffer payload) {
        return payload.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(payload.position() + 8);
    }
}
