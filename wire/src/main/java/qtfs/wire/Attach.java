package qtfs.wire;

import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * ATTACH: join (token != 0) or create (token 0) the file-system session serving {@code exportPath},
 * with the FUSE parameters the client's kernel negotiated, how long the kernel may cache
 * entries and attributes, and the client's architecture (its kernel's numbering of open flags).
 */
public record Attach(long token, int fuseMinor, int maxWrite, long fuseFlags, Duration entryTimeout,
        Duration attrTimeout, Architecture architecture, String exportPath) {
    /** Longest export path accepted (PATH_MAX without the terminating NUL). */
    public static final int MAX_PATH = 4095;

    public Attach {
        if (fuseMinor < 0) throw new IllegalArgumentException("negative FUSE minor version " + fuseMinor);
        if (maxWrite < 4096) throw new IllegalArgumentException("max write " + maxWrite + " is below 4096");
        if (architecture == null) throw new IllegalArgumentException("client architecture missing");
        if (entryTimeout.isNegative() || attrTimeout.isNegative()) {
            throw new IllegalArgumentException("cache timeouts must not be negative: entry " + entryTimeout + ", attr " + attrTimeout);
        }
        if (exportPath.isEmpty() || exportPath.charAt(0) != '/' || exportPath.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("export path must be absolute and contain no NUL: '" + exportPath + "'");
        }
    }

    public ByteBuffer encode() {
        byte[] path = PayloadWriter.utf8(exportPath, "export path");
        return new PayloadWriter(8 + 4 + 4 + 8 + 8 + 8 + 4 + 2 + path.length)
                .u64(token).u32(fuseMinor).u32(maxWrite).u64(fuseFlags)
                .u64(nanos(entryTimeout)).u64(nanos(attrTimeout)).u32(architecture.code).string(path)
                .done();
    }

    private static long nanos(Duration d) {
        return d.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : d.toNanos();
    }

    public static Attach decode(ByteBuffer payload) throws ProtocolException {
        PayloadReader r = new PayloadReader(payload, "ATTACH");
        long token = r.u64("session token");
        int minor = r.u32("fuse minor");
        int maxWrite = r.u32("max write");
        long flags = r.u64("fuse flags");
        long entryNanos = r.u64("entry timeout");
        long attrNanos = r.u64("attr timeout");
        int arch = r.u32("client architecture");
        String path = r.string("export path");
        r.end();
        if (minor < 0) throw r.invalid("FUSE minor version " + Integer.toUnsignedString(minor) + " out of range");
        if (maxWrite < 4096) throw r.invalid("max write " + Integer.toUnsignedString(maxWrite) + " out of range (at least 4096)");
        if (entryNanos < 0 || attrNanos < 0) throw r.invalid("cache timeouts must be below 2^63 ns");
        Architecture architecture;
        try {
            architecture = Architecture.of(arch);
        } catch (ProtocolException e) {
            throw r.invalid(e.getMessage());
        }
        if (path.isEmpty() || path.charAt(0) != '/') throw r.invalid("export path '" + path + "' is not absolute");
        if (path.indexOf('\0') >= 0) throw r.invalid("export path contains a NUL byte");
        if (path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PATH) {
            throw r.invalid("export path is longer than " + MAX_PATH + " bytes");
        }
        return new Attach(token, minor, maxWrite, flags, Duration.ofNanos(entryNanos), Duration.ofNanos(attrNanos), architecture, path);
    }
}
