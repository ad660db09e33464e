package qtfs.server.daemon;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import qtfs.fuse.proto.Opcode;

/**
 * The last replies of a session's requests that must not run twice. A client whose link
 * dropped resends what was not answered, on a new connection of the same session, and some
 * of that did run: a second CREATE with O_EXCL would answer EEXIST for the file the first
 * one made, a second UNLINK ENOENT, a second OPEN would leak a handle, a second WRITE to a
 * file opened with O_APPEND would append its data twice. A resent request with
 * the unique of one answered here gets the same answer; one whose first copy is still
 * running waits for it. (The kernel's uniques are never reused within a mount.)
 */
final class ReplyCache {
    /**
     * Replies kept per session: more than the requests a client can have in flight on its
     * connections at once. They are small (at most a fuse_entry_out and a fuse_open_out).
     */
    static final int CAPACITY = 8192;

    private final Map<Long, byte[]> answered = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > CAPACITY;
        }
    };
    private final Set<Long> running = new HashSet<>();

    /** Whether requests of this opcode change state in a way a second run would not repeat. */
    static boolean covers(int opcode) {
        return opcode == Opcode.WRITE.code || opcode == Opcode.CREATE.code || opcode == Opcode.OPEN.code || opcode == Opcode.OPENDIR.code
                || opcode == Opcode.TMPFILE.code || opcode == Opcode.MKDIR.code || opcode == Opcode.MKNOD.code
                || opcode == Opcode.SYMLINK.code || opcode == Opcode.LINK.code || opcode == Opcode.UNLINK.code
                || opcode == Opcode.RMDIR.code || opcode == Opcode.RENAME.code || opcode == Opcode.RENAME2.code;
    }

    /**
     * The reply already given to {@code unique}, or null when the caller is the first to serve
     * it (it then must call {@link #complete}). Waits while another copy of it runs.
     */
    synchronized byte[] claim(long unique) throws InterruptedException {
        while (running.contains(unique)) wait();
        byte[] reply = answered.get(unique);
        if (reply == null) running.add(unique);
        return reply;
    }

    /** The first copy of {@code unique} finished with {@code reply} (null: nothing to keep). */
    synchronized void complete(long unique, byte[] reply) {
        running.remove(unique);
        if (reply != null) answered.put(unique, reply);
        notifyAll();
    }

    synchronized int size() {
        return answered.size();
    }
}
