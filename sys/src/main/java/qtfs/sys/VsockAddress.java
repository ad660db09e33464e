package qtfs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A vsock endpoint: a context id (CID, which names a machine) and a port, both unsigned
 * 32-bit numbers held in ints. Text form {@code vsock:CID:PORT}, with {@code any} for
 * {@link Vsock#VMADDR_CID_ANY}; {@link #parse} also reads {@code vsock:PORT} as "any CID".
 */
public record VsockAddress(int cid, int port) {

    /** struct sockaddr_vm: u16 family, u16 reserved, u32 port, u32 cid, u8 flags, u8 zero[3]. */
    static final long SOCKADDR_SIZE = 16;
    private static final long FAMILY = 0, PORT = 4, CID = 8;

    /** Listening on {@code port} of every local CID. */
    public static VsockAddress anyCid(int port) {
        return new VsockAddress(Vsock.VMADDR_CID_ANY, port);
    }

    /** "any" for {@link Vsock#VMADDR_CID_ANY}, else the unsigned decimal number. */
    public static String cidText(int cid) {
        return cid == Vsock.VMADDR_CID_ANY ? "any" : Integer.toUnsignedString(cid);
    }

    public boolean isAnyCid() {
        return cid == Vsock.VMADDR_CID_ANY;
    }

    @Override
    public String toString() {
        return "vsock:" + cidText(cid) + ":" + (port == Vsock.VMADDR_PORT_ANY ? "any" : Integer.toUnsignedString(port));
    }

    /**
     * Reads {@code vsock:CID:PORT}, {@code vsock:any:PORT} or {@code vsock:PORT}; the
     * IllegalArgumentException message quotes the text and says what was expected.
     */
    public static VsockAddress parse(String text) {
        if (!text.startsWith("vsock:")) throw bad(text, "expected vsock:CID:PORT, vsock:any:PORT or vsock:PORT");
        String rest = text.substring("vsock:".length());
        int colon = rest.indexOf(':');
        if (colon < 0) return anyCid(parsePort(text, rest));
        return new VsockAddress(parseCid(text, rest.substring(0, colon)), parsePort(text, rest.substring(colon + 1)));
    }

    private static int parseCid(String text, String cid) {
        if (cid.equals("any")) return Vsock.VMADDR_CID_ANY;
        long value = unsigned(cid);
        if (value < 0) throw bad(text, "CID '" + cid + "' is not a number 0..4294967294 (or 'any')");
        if (value == 0xFFFF_FFFFL) throw bad(text, "CID 4294967295 means any CID; write vsock:any:PORT");
        return (int) value;
    }

    private static int parsePort(String text, String port) {
        long value = unsigned(port);
        if (value < 0 || value == 0xFFFF_FFFFL) throw bad(text, "port '" + port + "' is not a number 0..4294967294");
        return (int) value;
    }

    /** The value of a decimal u32, or -1 when {@code digits} is not one. */
    private static long unsigned(String digits) {
        if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) return -1;
        long value = Long.parseLong(digits);
        return value > 0xFFFF_FFFFL ? -1 : value;
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("bad address '" + text + "': " + why);
    }

    MemorySegment toSockaddr(Arena arena) {
        MemorySegment s = arena.allocate(SOCKADDR_SIZE, 4);
        s.set(ValueLayout.JAVA_SHORT, FAMILY, (short) Vsock.AF_VSOCK);
        s.set(ValueLayout.JAVA_INT, PORT, port);
        s.set(ValueLayout.JAVA_INT, CID, cid);
        return s;
    }

    static VsockAddress fromSockaddr(MemorySegment s) {
        return new VsockAddress(s.get(ValueLayout.JAVA_INT, CID), s.get(ValueLayout.JAVA_INT, PORT));
    }
}
