package qtfs.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A mount or unmount on the server, asked for with the qtfs ioctl {@link #COMMAND} on a
 * directory inside a qtfs mount: {@code name} in that directory is where to mount, or the
 * mount to remove (asking through the parent reaches a mount's place even when the client
 * shows the mount as a mount of its own). The
 * argument is {@link #ARG_SIZE} bytes both ways (the client kernel copies the size the
 * command encodes): the request going in, the {@link Outcome} coming back.
 *
 * <p>Request: {@code u16 version (1)}, {@code u16 operation} (1 mount, 2 unmount),
 * {@code u32 0}, {@code u64 flags} (mount: MS_* flags; unmount: MNT_FORCE, MNT_DETACH),
 * then four strings ({@code u16 n} + UTF-8): the name (one path component), file system
 * type, source, data (the options mount(2) passes to the file system); zeros up to {@link #ARG_SIZE}. Outcome:
 * {@code u32 errno} (0: done), then a string saying what happened.
 */
public record RemoteMount(Operation operation, String name, long flags, String type, String source, String data) {
    /** Bytes of the ioctl argument, in and out. */
    public static final int ARG_SIZE = 4096;
    /** _IOWR('q', 0x40, char[4096]): the same number on every architecture (asm-generic encoding). */
    public static final int COMMAND = 3 << 30 | ARG_SIZE << 16 | 'q' << 8 | 0x40;
    private static final int VERSION = 1;
    private static final int FIXED = 2 + 2 + 4 + 8 + 4 * 2;

    public enum Operation {
        MOUNT(1), UNMOUNT(2);

        final int code;

        Operation(int code) {
            this.code = code;
        }
    }

    public RemoteMount {
        if (operation == null) throw new IllegalArgumentException("operation missing");
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0)
            throw new IllegalArgumentException("'" + name + "' is not a name in a directory");
        type = type == null ? "" : type;
        source = source == null ? "" : source;
        data = data == null ? "" : data;
        if (operation == Operation.MOUNT && type.isEmpty()) throw new IllegalArgumentException("file system type missing");
    }

    public static RemoteMount mount(String name, String type, String source, long flags, String data) {
        return new RemoteMount(Operation.MOUNT, name, flags, type, source, data);
    }

    public static RemoteMount unmount(String name, long flags) {
        return new RemoteMount(Operation.UNMOUNT, name, flags, "", "", "");
    }

    /** The ioctl argument: {@link #ARG_SIZE} bytes. */
    public ByteBuffer encode() {
        byte[] n = PayloadWriter.utf8(name, "name"), t = PayloadWriter.utf8(type, "type"), s = PayloadWriter.utf8(source, "source"),
                d = PayloadWriter.utf8(data, "data");
        int used = FIXED + n.length + t.length + s.length + d.length;
        if (used > ARG_SIZE)
            throw new IllegalArgumentException("name, type, source and options take " + (used - FIXED) + " bytes; at most "
                    + (ARG_SIZE - FIXED) + " fit");
        ByteBuffer b = new PayloadWriter(used).u16(VERSION).u16(operation.code).u32(0).u64(flags)
                .string(n).string(t).string(s).string(d).done();
        return ByteBuffer.allocate(ARG_SIZE).order(ByteOrder.LITTLE_ENDIAN).put(b).flip().limit(ARG_SIZE);
    }

    /** Reads a request; every field is the caller's and checked. */
    public static RemoteMount decode(ByteBuffer arg) throws ProtocolException {
        PayloadReader r = new PayloadReader(arg, "remote mount request");
        int version = r.u16("version");
        if (version != VERSION) throw r.invalid("version " + version + " (this server reads version " + VERSION + ")");
        int code = r.u16("operation");
        r.zero32("reserved");
        long flags = r.u64("flags");
        String name = r.string("name"), type = r.string("type"), source = r.string("source"), data = r.string("data");
        Operation op = null;
        for (Operation o : Operation.values()) if (o.code == code) op = o;
        if (op == null) throw r.invalid("unknown operation " + code);
        if (op == Operation.MOUNT && type.isEmpty()) throw r.invalid("file system type missing");
        try {
            return new RemoteMount(op, name, flags, type, source, data);
        } catch (IllegalArgumentException e) {
            throw r.invalid(e.getMessage());
        }
    }

    /** What the server did: errno 0 for success, and a sentence for the user either way. */
    public record Outcome(int errno, String message) {
        public Outcome {
            if (message == null) message = "";
            int max = ARG_SIZE - 6;
            while (PayloadWriter.utf8(message, "message").length > max) message = message.substring(0, message.length() / 2);
        }

        /** {@link #ARG_SIZE} bytes. */
        public ByteBuffer encode() {
            byte[] m = PayloadWriter.utf8(message, "message");
            ByteBuffer b = new PayloadWriter(4 + 2 + m.length).u32(errno).string(m).done();
            return ByteBuffer.allocate(ARG_SIZE).order(ByteOrder.LITTLE_ENDIAN).put(b).flip().limit(ARG_SIZE);
        }

        public static Outcome decode(ByteBuffer arg) throws ProtocolException {
            PayloadReader r = new PayloadReader(arg, "remote mount outcome");
            return new Outcome(r.u32("errno"), r.string("message"));
        }
    }
}
