package qtfs.sys;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which vsock peers a server accepts, by CID: a set of CIDs, or any. Built from
 * {@code --allow-cid} options, each a CID, a comma-separated list of CIDs, or {@code any}.
 * A vsock peer's CID is assigned by the hypervisor and cannot be forged by the guest, which
 * is what makes it usable as an identity.
 */
public final class AllowedCids {
    public static final String OPTION = "--allow-cid";

    private static final AllowedCids ANY = new AllowedCids(null);

    /** Unsigned CIDs in ascending order, or null for any. */
    private final Set<Long> cids;

    private AllowedCids(Set<Long> cids) {
        this.cids = cids;
    }

    public static AllowedCids any() {
        return ANY;
    }

    /** Exactly these CIDs (unsigned values held in ints, as in {@link VsockAddress}). */
    public static AllowedCids of(Collection<Integer> cids) {
        if (cids.isEmpty()) throw new IllegalArgumentException("a CID policy needs at least one CID (or any)");
        TreeSet<Long> set = new TreeSet<>();
        for (int cid : cids) {
            if (cid == Vsock.VMADDR_CID_ANY) return ANY;
            set.add(Integer.toUnsignedLong(cid));
        }
        return new AllowedCids(Collections.unmodifiableSet(set));
    }

    /**
     * Reads the values of one or more {@code --allow-cid} options: {@code "3"}, {@code "3,4"},
     * {@code "any"}. The IllegalArgumentException message names the option and the bad value.
     */
    public static AllowedCids parse(List<String> optionValues) {
        if (optionValues.isEmpty()) throw new IllegalArgumentException(OPTION + " needs a CID, a list of CIDs (3,4) or 'any'");
        TreeSet<Long> set = new TreeSet<>();
        boolean any = false;
        for (String value : optionValues) {
            if (value.isBlank()) throw new IllegalArgumentException(OPTION + " '" + value + "': expected a CID, a list of CIDs (3,4) or 'any'");
            for (String item : value.split(",", -1)) {
                String cid = item.strip();
                if (cid.equals("any")) {
                    any = true;
                } else if (cid.isEmpty()) {
                    throw new IllegalArgumentException(OPTION + " '" + value + "': empty entry in the list");
                } else {
                    set.add(parseCid(value, cid));
                }
            }
        }
        return any ? ANY : new AllowedCids(Collections.unmodifiableSet(set));
    }

    public static AllowedCids parse(String optionValue) {
        return parse(List.of(optionValue));
    }

    private static long parseCid(String value, String cid) {
        if (cid.length() > 10 || !cid.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(OPTION + " '" + value + "': '" + cid + "' is not a CID (a number 0..4294967294) or 'any'");
        }
        long n = Long.parseLong(cid);
        if (n > 0xFFFF_FFFEL) {
            throw new IllegalArgumentException(OPTION + " '" + value + "': CID " + cid + " is out of range 0..4294967294");
        }
        return n;
    }

    public boolean allowsAny() {
        return cids == null;
    }

    /** Whether a peer with this CID may connect. */
    public boolean allows(int cid) {
        return cids == null || cids.contains(Integer.toUnsignedLong(cid));
    }

    /**
     * What the server logs when it turns a peer away:
     * {@code "refused vsock connection from vsock:7:1035: CID 7 is not allowed (--allow-cid 3,4)"}.
     */
    public String refusal(VsockAddress peer) {
        return "refused vsock connection from " + peer + ": CID " + VsockAddress.cidText(peer.cid())
                + " is not allowed (" + OPTION + " " + this + ")";
    }

    /** The option value that gives this policy back: "any" or "3,4". */
    @Override
    public String toString() {
        return cids == null ? "any" : cids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AllowedCids other && Objects.equals(cids, other.cids);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(cids);
    }
}
