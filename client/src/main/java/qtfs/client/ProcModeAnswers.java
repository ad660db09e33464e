package qtfs.client;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import qtfs.fuse.FuseSession;
import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.Opcode;
import qtfs.sys.Errno;

/**
 * Proc mode's answers (see {@link ProcMode}): lookups in the mount's root of {@code self},
 * {@code thread-self}, {@code mounts}, of the caller's own pid and of the pids of listed client
 * processes are answered
 * with symlinks the client makes up ({@link LocalSymlinks}), with an entry timeout of 0, so
 * each caller's lookup is answered for that caller. The FUSE header names the calling thread
 * as the client's kernel sees it; a caller it cannot name (pid 0: a process of another PID
 * namespace than the mount daemon's) has no {@code self} here (ENOENT).
 */
final class ProcModeAnswers {
    private static final System.Logger LOG = System.getLogger(ProcModeAnswers.class.getName());
    static final long ROOT_ID = 1;
    /** Longest root name looked at: "thread-self", or a pid (at most 10 digits). */
    private static final int LONGEST_NAME = 11;

    private final LocalProc proc;
    private final Set<String> localProcesses = new HashSet<>();
    private final LocalSymlinks links = new LocalSymlinks();

    ProcModeAnswers(LocalProc proc, Iterable<String> localProcesses) {
        this.proc = proc;
        for (String name : localProcesses) {
            this.localProcesses.add(name.length() > ProcMode.COMM_LENGTH ? name.substring(0, ProcMode.COMM_LENGTH) : name);
        }
    }

    /** Answers {@code request} if it is proc mode's to answer; returns whether it did. */
    boolean answered(FuseSession session, MemorySegment request, Opcode op, long node, MemorySegment body) {
        long unique = InHeader.unique(request);
        if (op == Opcode.LOOKUP && node == ROOT_ID) return lookUp(session, unique, InHeader.pid(request), body);
        if (!LocalSymlinks.isLocal(node)) return false;
        switch (op) {
            case FORGET, BATCH_FORGET, GETXATTR, LISTXATTR -> {
                return false;   // forgets are counted by forget(); the links have no extended attributes (LocalAnswers)
            }
            case GETATTR -> {
                LocalReply.Attributes attributes = links.attributes(node);
                if (attributes == null) session.replyError(unique, Errno.ESTALE);
                else LocalReply.attr(session, unique, attributes);
            }
            case READLINK -> {
                byte[] text = links.text(node);
                if (text == null) session.replyError(unique, Errno.ESTALE);
                else LocalReply.bytes(session, unique, text);
            }
            case ACCESS -> LocalReply.ok(session, unique);
            default -> session.replyError(unique, Errno.EPERM);   // a symlink of the client's own: nothing to change
        }
        return true;
    }

    /** The kernel dropped {@code count} lookups of {@code node}. */
    void forget(long node, long count) {
        if (LocalSymlinks.isLocal(node)) links.forget(node, count);
    }

    private boolean lookUp(FuseSession session, long unique, int tid, MemorySegment body) {
        String name = shortName(body);
        if (name == null) return false;
        String text;
        switch (name) {
            case "self", "thread-self" -> {
                int tgid = proc.tgidOf(tid);
                if (tgid <= 0) {
                    LOG.log(System.Logger.Level.DEBUG, "{0} of thread {1}: not a thread of this PID namespace", name, tid);
                    session.replyError(unique, Errno.ENOENT);
                    return true;
                }
                text = proc.root() + "/" + tgid + (name.equals("self") ? "" : "/task/" + tid);
            }
            case "mounts" -> text = "1/mounts";
            default -> {
                if (!isPid(name) || !(isCaller(name, tid) || isLocalProcess(name))) return false;   // the server's entry
                text = proc.root() + "/" + name;
            }
        }
        LocalReply.Attributes link = links.lookUp(text);
        LocalReply.entry(session, unique, link.ino(), link);
        return true;
    }

    /**
     * Whether {@code name} is the caller's own pid: a process looking itself up by pid (as ps
     * and top do through getpid()) finds itself, as through self.
     */
    private boolean isCaller(String name, int tid) {
        int pid = Integer.parseInt(name);
        return pid == tid || pid == proc.tgidOf(tid);
    }

    /** Whether {@code name} is the pid of a client process named in local_processes. */
    private boolean isLocalProcess(String name) {
        if (localProcesses.isEmpty()) return false;
        String comm = proc.commOf(Integer.parseInt(name));
        return comm != null && localProcesses.contains(comm);
    }

    /** The NUL-terminated name of a LOOKUP if it is short enough to be one of ours, else null. */
    private static String shortName(MemorySegment body) {
        long limit = Math.min(body.byteSize(), LONGEST_NAME + 1);
        for (long i = 0; i < limit; i++) {
            if (body.get(JAVA_BYTE, i) == 0) {
                return i == 0 ? null : new String(body.asSlice(0, i).toArray(JAVA_BYTE), StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    private static boolean isPid(String name) {
        if (name.length() > 10 || name.charAt(0) == '0') return false;
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') return false;
        }
        return Long.parseLong(name) <= Integer.MAX_VALUE;
    }
}
