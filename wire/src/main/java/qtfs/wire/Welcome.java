package qtfs.wire;

import java.nio.ByteBuffer;

/** WELCOME, the server's answer to an acceptable HELLO: the version and features both sides use. */
public record Welcome(int version, long features, String identity) {
    public Welcome {
        if (version < 1 || version > 0xffff) throw new IllegalArgumentException("bad version " + version);
        if (identity == null) throw new IllegalArgumentException("identity missing");
    }

    public ByteBuffer encode() {
        byte[] id = PayloadWriter.utf8(identity, "WELCOME identity");
        return new PayloadWriter(2 + 2 + 8 + 2 + id.length)
                .u16(version).u16(0).u64(features).string(id)
                .done();
    }

    public static Welcome decode(ByteBuffer payload) throws ProtocolException {
        PayloadReader r = new PayloadReader(payload, "WELCOME");
        int version = r.u16("version");
        r.zero16("padding after version");
        long features = r.u64("features");
        String identity = r.string("identity");
        r.end();
        if (version < 1) throw r.invalid("version 0 does not exist");
        return new Welcome(version, features, identity);
    }
}
