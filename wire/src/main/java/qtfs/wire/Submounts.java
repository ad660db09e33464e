package qtfs.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * SUBMOUNTS: the mount points below a mount's export on the server, as paths relative to
 * the export, in the order of the server's mount table (a mount point's parents before it).
 * Sent after ATTACHED and again whenever the list changes; each frame replaces the last.
 */
public record Submounts(List<String> paths) {
    /** Most mount points named (a frame holds at most 1 MiB anyway). */
    public static final int MAX_PATHS = 4096;
    private static final int MAX_PATH_BYTES = 4095;

    public Submounts {
        if (paths.size() > MAX_PATHS) throw new IllegalArgumentException("SUBMOUNTS of " + paths.size() + " paths, at most " + MAX_PATHS);
        for (String p : paths) {
            String bad = problem(p);
            if (bad != null) throw new IllegalArgumentException("SUBMOUNTS path '" + p + "': " + bad);
        }
        paths = List.copyOf(paths);
    }

    /** Why {@code path} is no relative path of normal components below the export, or null. */
    private static String problem(String path) {
        if (path.isEmpty()) return "empty";
        if (PayloadWriter.utf8(path, "path").length > MAX_PATH_BYTES) return "longer than " + MAX_PATH_BYTES + " bytes";
        if (path.indexOf('\0') >= 0) return "contains NUL";
        for (String c : path.split("/", -1))
            if (c.isEmpty() || c.equals(".") || c.equals("..")) return "not a relative path of plain names";
        return null;
    }

    public ByteBuffer encode() {
        List<byte[]> encoded = new ArrayList<>();
        int size = 4;
        for (String p : paths) {
            byte[] b = PayloadWriter.utf8(p, "path");
            encoded.add(b);
            size += 2 + b.length;
        }
        PayloadWriter w = new PayloadWriter(size).u32(paths.size());
        for (byte[] b : encoded) w.string(b);
        return w.done();
    }

    public static Submounts decode(ByteBuffer payload) throws ProtocolException {
        PayloadReader r = new PayloadReader(payload, "SUBMOUNTS");
        int count = r.u32("count");
        if (Integer.toUnsignedLong(count) > MAX_PATHS) throw r.invalid("count " + Integer.toUnsignedString(count) + " above " + MAX_PATHS);
        List<String> paths = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String p = r.string("path");
            String bad = problem(p);
            if (bad != null) throw r.invalid("path '" + p + "': " + bad);
            paths.add(p);
        }
        r.end();
        return new Submounts(paths);
    }
}
