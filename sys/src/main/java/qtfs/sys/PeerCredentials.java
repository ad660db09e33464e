package qtfs.sys;

/**
 * Who is at the other end of a connected unix socket, as the kernel recorded it when the
 * peer connected (SO_PEERCRED): not something the peer can claim for itself.
 */
public record PeerCredentials(int pid, int uid, int gid) {
    /** "uid 1000 gid 1000 pid 4242", for log lines. */
    @Override
    public String toString() {
        return "uid " + Integer.toUnsignedString(uid) + " gid " + Integer.toUnsignedString(gid) + " pid " + pid;
    }
}
