package qtfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import qtfs.e2e.harness.Command;
import qtfs.e2e.harness.CommandResult;
import qtfs.e2e.harness.MountTable;
import qtfs.e2e.harness.ProcessTree;
import qtfs.e2e.harness.PseudoFsFixture;
import qtfs.e2e.harness.QtfsFixture;

/**
 * The /proc of a server in a PID namespace of its own (qtfsd under {@code unshare -p -f
 * --mount-proc}, with a {@code sleep 86399} beside it), mounted on the client in proc mode
 * ({@code proc}) and plainly ({@code plainproc}): the client's ps and top list the server's
 * processes; self, thread-self and the listed client processes lead to the client's own proc.
 */
class QtfsProcModeTest {
    /** A client-side process name for local_processes: a copy of sleep under this name (15 bytes, as comm keeps). */
    private static final String LOCAL_PROCESS = "qtfs-pseudo-mgr";
    private static final String CLIENT_MARKER = "86398";

    @RegisterExtension
    static final PseudoFsFixture SERVER = PseudoFsFixture.inOwnPidNamespace("""
            [Mount]
            Path=/proc
            [Open]
            Path=/proc
            [Read]
            Path=/proc
            [Readdir]
            Path=/proc
            """)
            .export("/proc", "proc", "proc,local_proc=LOCAL_PROC,local_processes=" + LOCAL_PROCESS + ":sshd")
            .export("/proc", "plainproc", "");

    private static Path proc() {
        return SERVER.mount("proc");
    }

    /** Runs {@code script} with the mount bound over /proc, in a private mount namespace. */
    private static CommandResult withServerProc(String script) {
        return Command.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount --bind \"$0\" /proc && " + script, proc().toString()).runOk();
    }

    @Test
    void psAndTopOnTheClientListTheServersProcesses() {
        Command.Running clientMarker = Command.of("sleep", CLIENT_MARKER).start();
        try {
            String ps = withServerProc("ps aux").stdout();
            List<String> lines = ps.lines().toList();
            assertTrue(lines.get(0).startsWith("USER") && lines.get(0).contains("COMMAND"), ps);
            String pid1 = lines.stream().filter(l -> l.split("\\s+")[1].equals("1")).findFirst().orElseThrow(() -> new AssertionError(ps));
            assertTrue(pid1.contains("QtfsdMain"), "pid 1 of the server's namespace is qtfsd:\n" + ps);
            assertTrue(ps.contains("sleep " + PseudoFsFixture.SERVER_MARKER), "the server's own process:\n" + ps);
            assertFalse(ps.contains("sleep " + CLIENT_MARKER), "a process of the client, not the server's:\n" + ps);
            assertTrue(lines.size() - 1 < 10, "only the few processes of the server's namespace (ps itself is the client's):\n" + ps);

            String top = withServerProc("top -b -n1 -w 200").stdout();
            String tasks = top.lines().filter(l -> l.startsWith("Tasks:")).findFirst().orElseThrow(() -> new AssertionError(top));
            int total = Integer.parseInt(tasks.replaceAll("^Tasks:\\s*(\\d+) total.*$", "$1"));
            assertEquals(lines.size() - 1, total, "top counts the server's processes, as ps lists them:\n" + top + "\n" + ps);
            assertTrue(top.lines().anyMatch(l -> l.trim().startsWith("1 ") && l.contains("java")), "qtfsd as pid 1:\n" + top);
        } finally {
            clientMarker.kill();
        }
    }

    @Test
    void selfAndThreadSelfLeadToTheCallingClientProcess() throws IOException {
        for (int i = 0; i < 3; i++) {   // each caller its own answer, however quickly they follow each other
            CommandResult self = Command.of("sh", "-c", "echo $$; exec readlink \"$0\"/self \"$0\"/thread-self",
                    proc().toString()).runOk();
            List<String> out = self.stdout().lines().toList();
            String pid = out.get(0);
            assertEquals(SERVER.localProc() + "/" + pid, out.get(1), "readlink self");
            assertEquals(SERVER.localProc() + "/" + pid + "/task/" + pid, out.get(2), "readlink thread-self");
        }
        CommandResult status = Command.of("sh", "-c", "echo $$; exec cat \"$0\"/self/status", proc().toString()).runOk();
        String pid = status.stdout().lines().findFirst().orElseThrow();
        assertTrue(status.stdout().lines().anyMatch(l -> l.equals("Pid:\t" + pid)), "the caller's own status:\n" + status.stdout());
        assertTrue(status.stdout().contains("Name:\tcat"), status.stdout());
        assertTrue(Files.isSymbolicLink(proc().resolve("self")), "self is a symlink");
        assertEquals(ProcessHandle.current().pid(), Long.parseLong(Files.readSymbolicLink(proc().resolve("self")).getFileName().toString()),
                "this JVM's own self");
    }

    @Test
    void withoutProcModeSelfIsTheServers() throws IOException {
        assertEquals("1", Files.readSymbolicLink(SERVER.mount("plainproc").resolve("self")).toString(),
                "qtfsd is pid 1 of its namespace");
        assertEquals("self/mounts", Files.readSymbolicLink(SERVER.mount("plainproc").resolve("mounts")).toString());
    }

    @Test
    void mountsIsTheServersMountTable() throws IOException {
        assertEquals("1/mounts", Files.readSymbolicLink(proc().resolve("mounts")).toString());
        String mounts = Files.readString(proc().resolve("mounts"));
        assertEquals(Files.readString(proc().resolve("1/mounts")), mounts);
        assertFalse(mounts.contains(proc().toString()), "the server's mount namespace has no qtfs mount:\n" + mounts);
    }

    @Test
    void listedClientProcessesLeadToTheClientsProc() throws IOException {
        Path renamedSleep = SERVER.scratch().path().resolve(LOCAL_PROCESS);
        Files.copy(Path.of("/bin/sleep"), renamedSleep);
        Command.Running local = Command.of(renamedSleep.toString(), "300").start();
        Command.Running other = Command.of("sleep", "301").start();
        try {
            long localPid = ProcessTree.childRunning(renamedSleep.toString());
            assertEquals(SERVER.localProc() + "/" + localPid,
                    Files.readSymbolicLink(proc().resolve(Long.toString(localPid))).toString(), "a listed client process");
            assertEquals(LOCAL_PROCESS + "\n", Files.readString(proc().resolve(localPid + "/comm")));
            long otherPid = ProcessTree.childRunning("sleep 301");
            Path otherEntry = proc().resolve(Long.toString(otherPid));
            assertFalse(Files.isSymbolicLink(otherEntry), "an unlisted client process is looked up on the server");
            assertTrue(Files.isDirectory(SERVER.mount("proc").resolve("1"), LinkOption.NOFOLLOW_LINKS), "the server's pid 1");
            assertTrue(Files.readString(proc().resolve("1/cmdline")).contains("QtfsdMain"));
        } finally {
            local.kill();
            other.kill();
        }
    }

    @Test
    void magicLinksReadAsTextAndAreFollowedOnTheClient() throws IOException {
        long qtfsd = SERVER.serverProcess().pid();
        assertEquals(Files.readSymbolicLink(Path.of("/proc/" + qtfsd + "/exe")), Files.readSymbolicLink(proc().resolve("1/exe")));
        assertEquals("/dev/null", Files.readSymbolicLink(proc().resolve("1/fd/0")).toString(), "qtfsd's stdin");
        assertTrue(Files.isSymbolicLink(proc().resolve("1/root")), "a lookup of a magic link gives the link itself");
        assertEquals("/", Files.readSymbolicLink(proc().resolve("1/root")).toString());
        // Followed on the server, 1/root/proc would be the server's /proc (of its PID namespace);
        // followed by the client kernel it is the client's own.
        assertEquals(Files.readString(Path.of("/proc/1/comm")), Files.readString(proc().resolve("1/root/proc/1/comm")));
        assertNotEquals(Files.readString(proc().resolve("1/comm")), Files.readString(proc().resolve("1/root/proc/1/comm")));
    }

    @Test
    void procModeRefusesALocalProcThatIsNotAProcMount() throws IOException {
        Path notProc = SERVER.scratch().newDirectory("not-proc");
        Path missing = SERVER.scratch().path().resolve("missing");
        Path mountPoint = SERVER.scratch().newDirectory("refused");
        for (Path localProc : List.of(notProc, missing)) {
            CommandResult refused = Command.of(QtfsFixture.java("qtfs.cli.QtfsMain", "mount", "-f", "-o",
                    "server=unix:" + SERVER.socket() + ",proc,local_proc=" + localProc, "/proc", mountPoint.toString())).run();
            assertEquals(1, refused.exitCode(), refused.describe());
            String expected = localProc == notProc ? "local_proc " + notProc + " is not a proc mount"
                    : "local_proc " + missing + " does not exist";
            assertTrue(refused.stderr().contains(expected), refused.describe());
            assertTrue(refused.stderr().contains("mount -t proc proc " + localProc), "says what to do:\n" + refused.describe());
            assertFalse(MountTable.isMountPoint(mountPoint), "nothing mounted");
        }
    }
}
