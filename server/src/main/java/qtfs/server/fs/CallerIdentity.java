package qtfs.server.fs;

import java.util.Arrays;

import qtfs.sys.Credentials;
import qtfs.sys.ErrnoException;

/**
 * Who the calling OS thread acts as for file-system permission checks. Each worker thread
 * remembers the identity it last switched to, so consecutive requests of the same caller cost
 * no system call; the server kernel then does every permission check itself.
 */
record CallerIdentity(int uid, int gid, int[] groups) {
    /** The daemon itself: what lock descriptors are opened as (see {@link OwnerLocks}). */
    static final CallerIdentity SERVER = new CallerIdentity(0, 0, new int[0]);

    private static final ThreadLocal<CallerIdentity> CURRENT = new ThreadLocal<>();

    /** Makes the calling thread act as this identity (a no-op when it already does). */
    void actAs() throws ErrnoException {
        CallerIdentity now = CURRENT.get();
        if (now != null && now.sameAs(this)) return;
        CURRENT.remove();   // unknown until the switch completes
        Credentials.switchThreadTo(uid, gid, groups);
        CURRENT.set(new CallerIdentity(uid, gid, groups.clone()));
    }

    @FunctionalInterface
    interface Action<T> {
        T run() throws ErrnoException;
    }

    /**
     * Runs {@code action} as the daemon itself, then returns to the caller's identity: for
     * the few steps that need a descriptor the caller's rights would not give, after the
     * caller's own rights have been checked.
     */
    static <T> T asServer(Action<T> action) throws ErrnoException {
        CallerIdentity caller = CURRENT.get();
        SERVER.actAs();
        try {
            return action.run();
        } finally {
            if (caller != null) caller.actAs();
        }
    }

    /** The identity the calling thread acts as now, or null when it never switched. */
    static CallerIdentity current() {
        return CURRENT.get();
    }

    boolean sameAs(CallerIdentity o) {
        return uid == o.uid && gid == o.gid && Arrays.equals(groups, o.groups);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CallerIdentity c && sameAs(c);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * uid + gid) + Arrays.hashCode(groups);
    }

    @Override
    public String toString() {
        return "uid " + Integer.toUnsignedString(uid) + " gid " + Integer.toUnsignedString(gid)
                + " groups " + Arrays.toString(groups);
    }
}
