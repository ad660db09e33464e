package qtfs.transport;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which local users may connect to a server's unix sockets, by uid, checked against the
 * kernel's record of the peer (SO_PEERCRED). Built from {@code --allow-uid} options, each a
 * uid or a comma-separated list of uids. The default is root only.
 */
public final class AllowedUids {
    public static final String OPTION = "--allow-uid";
    public static final AllowedUids ROOT = new AllowedUids(Set.of(0L));

    /** Unsigned uids in ascending order. */
    private final Set<Long> uids;

    private AllowedUids(Set<Long> uids) {
        this.uids = uids;
    }

    /**
     * Reads the values of one or more {@code --allow-uid} options: {@code "0"}, {@code "0,1000"}.
     * The IllegalArgumentException message names the option and the bad value.
     */
    public static AllowedUids parse(List<String> optionValues) {
        if (optionValues.isEmpty()) throw new IllegalArgumentException(OPTION + " needs a uid or a list of uids (0,1000)");
        TreeSet<Long> set = new TreeSet<>();
        for (String value : optionValues) {
            if (value.isBlank()) throw new IllegalArgumentException(OPTION + " '" + value + "': expected a uid or a list of uids (0,1000)");
            for (String item : value.split(",", -1)) {
                String uid = item.strip();
                if (uid.isEmpty()) throw new IllegalArgumentException(OPTION + " '" + value + "': empty entry in the list");
                if (uid.length() > 10 || !uid.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new IllegalArgumentException(OPTION + " '" + value + "': '" + uid + "' is not a uid (a number 0..4294967294)");
                }
                long n = Long.parseLong(uid);
                // (uid_t) -1 means "no change" to the kernel and is nobody's uid
                if (n > 0xFFFF_FFFEL) throw new IllegalArgumentException(OPTION + " '" + value + "': uid " + uid + " is out of range 0..4294967294");
                set.add(n);
            }
        }
        return new AllowedUids(Collections.unmodifiableSet(set));
    }

    public static AllowedUids parse(String optionValue) {
        return parse(List.of(optionValue));
    }

    /** Whether a peer running as {@code uid} may connect. */
    public boolean allows(int uid) {
        return uids.contains(Integer.toUnsignedLong(uid));
    }

    /**
     * Why a peer running as {@code uid} is turned away, for the peer and the log line that
     * names it ({@code "uid 1000 is not allowed to connect (--allow-uid 0)"}), or null when it is allowed.
     */
    public String refusal(int uid) {
        if (allows(uid)) return null;
        return "uid " + Integer.toUnsignedString(uid) + " is not allowed to connect (" + OPTION + " " + this + ")";
    }

    /** Whether root is the only user allowed: then the socket file itself can keep everyone else out. */
    public boolean onlyRoot() {
        return uids.equals(ROOT.uids);
    }

    /** The option value that gives this policy back: "0,1000". */
    @Override
    public String toString() {
        return uids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AllowedUids other && uids.equals(other.uids);
    }

    @Override
    public int hashCode() {
        return uids.hashCode();
    }
}
