package qtfs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The file-system identity of the calling OS thread: fsuid, fsgid and supplementary groups.
 * Linux keeps these per thread, but glibc's wrappers for setgroups (and setuid & co.) change
 * every thread of the process; these calls go straight to the kernel so that only the
 * calling thread changes. Never call them on a virtual thread: it would change whichever
 * carrier thread it happens to run on.
 */
public final class Credentials {
    private Credentials() {}

    private static final int NGROUPS_MAX = 65536;

    private static final ThreadLocal<MemorySegment[]> GROUPS_BUFFER = ThreadLocal.withInitial(() -> new MemorySegment[1]);

    private static final int CAP_VERSION_3 = 0x20080522;
    /** CAP_SETGID and CAP_SETUID: what a thread acting for an unprivileged caller keeps, to switch back. */
    private static final long SWITCH_CAPS = (1L << 6) | (1L << 7);
    private static final ThreadLocal<MemorySegment> CAPS = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(32, 4));

    /**
     * Makes the calling thread act as {@code uid}/{@code gid} with {@code groups} for
     * permission checks. For a caller other than root the thread also gives up its effective
     * capabilities (all but the two needed to switch back): changing the fsuid drops only the
     * file-system ones, and CAP_SYS_ADMIN or CAP_SETFCAP would still let an ordinary caller
     * write trusted.* or security.capability attributes. Requires CAP_SETUID and CAP_SETGID
     * in the permitted set; verifies that the change took effect (setfsuid reports no
     * errors), so a thread never goes on with the wrong identity.
     */
    public static void switchThreadTo(int uid, int gid, int[] groups) throws ErrnoException {
        if (Thread.currentThread().isVirtual())
            throw new IllegalStateException("credentials are per OS thread: refusing to switch them on a virtual thread");
        if (uid == 0) setEffectiveCaps(-1L);
        setGroups(groups);
        RawSyscall.call(RawSyscall.SETFSGID, gid & 0xffffffffL, 0, 0, 0);
        if ((int) RawSyscall.call(RawSyscall.SETFSGID, 0xffffffffL, 0, 0, 0) != gid)
            throw new ErrnoException("setfsgid", Errno.EPERM, "gid " + Integer.toUnsignedString(gid));
        RawSyscall.call(RawSyscall.SETFSUID, uid & 0xffffffffL, 0, 0, 0);
        if ((int) RawSyscall.call(RawSyscall.SETFSUID, 0xffffffffL, 0, 0, 0) != uid)
            throw new ErrnoException("setfsuid", Errno.EPERM, "uid " + Integer.toUnsignedString(uid));
        if (uid != 0) setEffectiveCaps(SWITCH_CAPS);
    }

    /** The calling thread's effective capability set (bit n = capability n). */
    public static long effectiveCaps() throws ErrnoException {
        MemorySegment c = CAPS.get();
        capget(c);
        return effective(c);
    }

    /** Sets the effective capabilities of the calling thread to {@code wanted} ∩ permitted. */
    private static void setEffectiveCaps(long wanted) throws ErrnoException {
        MemorySegment c = CAPS.get();
        capget(c);
        long permitted = (c.get(JAVA_INT, 12) & 0xffffffffL) | ((long) c.get(JAVA_INT, 24) << 32);
        long target = wanted & permitted;
        if (effective(c) == target) return;
        c.set(JAVA_INT, 8, (int) target);
        c.set(JAVA_INT, 20, (int) (target >>> 32));
        c.set(JAVA_INT, 0, CAP_VERSION_3);
        c.set(JAVA_INT, 4, 0);
        if (RawSyscall.call(RawSyscall.CAPSET, c.address(), c.address() + 8, 0, 0) == -1)
            throw new ErrnoException("capset", Libc.lastErrno());
    }

    private static long effective(MemorySegment c) {
        return (c.get(JAVA_INT, 8) & 0xffffffffL) | ((long) c.get(JAVA_INT, 20) << 32);
    }

    /** capget(2) of the calling thread into {@code c}: header at 0, two data records at 8 and 20. */
    private static void capget(MemorySegment c) throws ErrnoException {
        c.set(JAVA_INT, 0, CAP_VERSION_3);
        c.set(JAVA_INT, 4, 0);
        if (RawSyscall.call(RawSyscall.CAPGET, c.address(), c.address() + 8, 0, 0) == -1)
            throw new ErrnoException("capget", Libc.lastErrno());
    }

    /** The calling thread's fsuid. */
    public static int fsuid() {
        return (int) RawSyscall.call(RawSyscall.SETFSUID, 0xffffffffL, 0, 0, 0);
    }

    /** The calling thread's fsgid. */
    public static int fsgid() {
        return (int) RawSyscall.call(RawSyscall.SETFSGID, 0xffffffffL, 0, 0, 0);
    }

    private static void setGroups(int[] groups) throws ErrnoException {
        int n = groups == null ? 0 : groups.length;
        if (n > NGROUPS_MAX) throw new ErrnoException("setgroups", Errno.EINVAL, n + " groups");
        MemorySegment list = MemorySegment.NULL;
        if (n > 0) {
            MemorySegment[] holder = GROUPS_BUFFER.get();
            if (holder[0] == null || holder[0].byteSize() < 4L * n)
                holder[0] = Arena.ofAuto().allocate(4L * Math.max(n, 32), 4);
            list = holder[0];
            MemorySegment.copy(groups, 0, list, JAVA_INT, 0, n);
        }
        long rc = RawSyscall.call(RawSyscall.SETGROUPS, n, list.address(), 0, 0);
        if (rc == -1) throw new ErrnoException("setgroups", Libc.lastErrno());
    }
}
