package qtfs.wire;

import java.nio.ByteBuffer;

/**
 * HELLO, the client's first frame: the protocol versions it speaks, the service it wants,
 * its feature bits and who it is. A later protocol version may append fields, so bytes after
 * the identity are ignored: a newer client must still get a readable REFUSE from an older server.
 */
public record Hello(VersionRange versions, Service service, long features, String identity) {
    /** "QTFS" read as a little-endian u32. */
    public static final int MAGIC = 0x53465451;

    public Hello {
        if (versions == null) throw new IllegalArgumentException("versions missing");
        if (service == null) throw new IllegalArgumentException("service missing");
        if (identity == null) throw new IllegalArgumentException("identity missing");
    }

    public ByteBuffer encode() {
        byte[] id = PayloadWriter.utf8(identity, "HELLO identity");
        return new PayloadWriter(4 + 2 + 2 + 4 + 8 + 2 + id.length)
                .u32(MAGIC).u16(versions.min()).u16(versions.max()).u32(service.code).u64(features).string(id)
                .done();
    }

    public static Hello decode(ByteBuffer payload) throws ProtocolException {
        PayloadReader r = new PayloadReader(payload, "HELLO");
        int magic = r.u32("magic");
        if (magic != MAGIC) {
            throw r.invalid("bad magic 0x" + Integer.toHexString(magic) + ", expected 0x" + Integer.toHexString(MAGIC)
                    + " (\"QTFS\"): the peer does not speak the qtfs protocol");
        }
        int min = r.u16("min version");
        int max = r.u16("max version");
        if (min < 1 || min > max) throw r.invalid("bad version range " + min + ".." + max);
        int serviceCode = r.u32("service");
        Service service;
        try {
            service = Service.of(serviceCode);
        } catch (ProtocolException e) {
            throw r.invalid(e.getMessage());
        }
        long features = r.u64("features");
        String identity = r.string("identity");
        return new Hello(new VersionRange(min, max), service, features, identity);
    }
}
