package qtfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import qtfs.e2e.harness.Command;
import qtfs.e2e.harness.MountTable;
import qtfs.e2e.harness.Poll;
import qtfs.e2e.harness.ProcessTree;
import qtfs.e2e.harness.PseudoFsFixture;
import qtfs.e2e.harness.ScratchDir;

/**
 * This host's /proc, /sys and cgroup tree exported and mounted: files of size 0 read whole,
 * writes land as one write each, magic links follow the server's processes, lscpu and a walk
 * of /sys/class/net see what they see locally, and a cgroup is created, limited, given a
 * server process, read and removed from the client.
 */
class QtfsPseudoFsTest {
    private static final Duration GIVE_UP = Duration.ofSeconds(15);

    @RegisterExtension
    static final PseudoFsFixture HOST = PseudoFsFixture.onHost("""
            [Mount]
            Path=/proc;/sys
            [Open]
            Path=/proc;/sys
            [Read]
            Path=/proc;/sys
            [Readdir]
            Path=/proc;/sys
            [Write]
            Path=/proc;/sys/fs/cgroup
            [Setattr]
            Path=/sys/fs/cgroup
            [Mkdir]
            Path=/sys/fs/cgroup
            [Rmdir]
            Path=/sys/fs/cgroup
            """)
            .export("/proc", "root/proc", "")
            .export("/sys", "root/sys", "")
            .export("/sys/fs/cgroup", "cgroup", "");

    private static Path proc() {
        return HOST.mount("root/proc");
    }

    private static Path sys() {
        return HOST.mount("root/sys");
    }

    // ---- /proc ----------------------------------------------------------------------------------

    @Test
    void filesOfSizeZeroReadWhole() throws IOException {
        assertEquals(0, Files.size(proc().resolve("cpuinfo")), "procfs reports size 0");
        assertEquals(Files.readString(Path.of("/proc/cpuinfo")), Files.readString(proc().resolve("cpuinfo")));
        String status = Files.readString(proc().resolve(ProcessHandle.current().pid() + "/status"));
        assertTrue(status.contains("Pid:\t" + ProcessHandle.current().pid()), status);
        assertTrue(Files.readAllBytes(proc().resolve("self/maps")).length > 4096, "more than a page");
    }

    @Test
    void contentThatChangesByItselfIsNeverCached() {
        // the server's uptime goes on: each read is a new one
        double first = Double.parseDouble(firstField(proc().resolve("uptime"), 1));
        assertNotNull(Poll.until(() -> Double.parseDouble(firstField(proc().resolve("uptime"), 1)) > first, GIVE_UP),
                "uptime read through the mount moves on");
    }

    @Test
    void aShellRedirectionWritesAProcFile() throws IOException {
        Command.Running sleeper = Command.of("sleep", "302").start();
        try {
            long pid = ProcessTree.childRunning("sleep 302");
            Path adjust = proc().resolve(pid + "/oom_score_adj");
            // open with O_TRUNC, one short write
            Command.of("sh", "-c", "echo 500 > \"$0\"", adjust.toString()).runOk();
            assertEquals("500\n", Files.readString(Path.of("/proc/" + pid + "/oom_score_adj")));
            assertEquals("500\n", Files.readString(adjust));
        } finally {
            sleeper.kill();
        }
    }

    @Test
    void magicLinksShowTheTextOfTheMoment() throws IOException {
        Path first = Files.writeString(HOST.scratch().path().resolve("first"), "1");
        Path second = Files.writeString(HOST.scratch().path().resolve("second"), "2");
        Path swap = HOST.scratch().path().resolve("swap");
        // fd 7 opens on first, then (once swap exists) on second, as a server process reopening a file
        Command.Running holder = Command.of("sh", "-c",
                "exec 7<\"$0\"; while [ ! -e \"$2\" ]; do sleep 0.05; done; exec 7<\"$1\"; sleep 300",
                first.toString(), second.toString(), swap.toString()).start();
        try {
            long pid = ProcessTree.childRunning(swap.toString());
            Path fd7 = proc().resolve(pid + "/fd/7");
            assertNotNull(Poll.until(() -> readLink(fd7).equals(first.toString()), GIVE_UP), "fd 7 -> first");
            assertEquals("1", Files.readString(fd7), "followed by the client kernel");
            assertTrue(Files.isSymbolicLink(fd7), "the lookup gives the link itself");
            Files.createFile(swap);
            assertNotNull(Poll.until(() -> readLink(Path.of("/proc/" + pid + "/fd/7")).equals(second.toString()), GIVE_UP));
            assertEquals(second.toString(), readLink(fd7), "the new text, not the one the client kernel read before");
            assertEquals("2", Files.readString(fd7));
            assertEquals(readLink(Path.of("/proc/" + pid + "/exe")), readLink(proc().resolve(pid + "/exe")));
            assertEquals(readLink(Path.of("/proc/" + pid + "/cwd")), readLink(proc().resolve(pid + "/cwd")));
        } finally {
            holder.kill();
        }
    }

    // ---- /sys -----------------------------------------------------------------------------------

    @Test
    void lscpuReadsTheSameThroughTheMount() {
        // lscpu --sysroot DIR reads DIR/proc and DIR/sys; the local reference binds this host's in a private namespace
        Path localRoot = HOST.scratch().newDirectory("local-root");
        ScratchDir.makeDirectory(localRoot.resolve("proc"));
        ScratchDir.makeDirectory(localRoot.resolve("sys"));
        String local = Command.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount --bind /proc \"$0/proc\" && mount --bind /sys \"$0/sys\" && lscpu --sysroot \"$0\" && lscpu -e --sysroot \"$0\"",
                localRoot.toString()).runOk().stdout();
        Path remoteRoot = proc().getParent();
        String remote = Command.of("sh", "-c", "lscpu --sysroot \"$0\" && lscpu -e --sysroot \"$0\"", remoteRoot.toString())
                .runOk().stdout();
        assertEquals(withoutFrequencies(local), withoutFrequencies(remote));
        assertTrue(remote.contains("CPU(s):"), remote);
    }

    @Test
    void cpuTopologyFilesMatch() throws IOException {
        Path cpus = Path.of("/sys/devices/system/cpu");
        assertEquals(Files.readString(cpus.resolve("online")), Files.readString(sys().resolve("devices/system/cpu/online")));
        int files = 0;
        try (Stream<Path> topology = Files.list(cpus).filter(p -> p.getFileName().toString().matches("cpu\\d+"))
                .map(p -> p.resolve("topology")).filter(Files::isDirectory)) {
            for (Path dir : topology.toList()) {
                try (Stream<Path> list = Files.list(dir)) {
                    for (Path file : list.filter(Files::isRegularFile).toList()) {
                        Path remote = sys().resolve(Path.of("/sys").relativize(file).toString());
                        assertEquals(Files.readString(file), Files.readString(remote), file.toString());
                        files++;
                    }
                }
            }
        }
        assertTrue(files > 0, "topology files found");
    }

    @Test
    void walkingClassNetMatchesALocalWalk() throws IOException {
        Path local = Path.of("/sys/class/net");
        Path remote = sys().resolve("class/net");
        List<String> names;
        try (Stream<Path> list = Files.list(local)) {
            names = list.map(p -> p.getFileName().toString()).sorted().toList();
        }
        try (Stream<Path> list = Files.list(remote)) {
            assertEquals(names, list.map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (String name : names) {
            assertTrue(Files.isSymbolicLink(remote.resolve(name)), name + " is a link into devices");
            assertEquals(Files.readSymbolicLink(local.resolve(name)), Files.readSymbolicLink(remote.resolve(name)));
            Path real = remote.resolve(name).toRealPath();
            assertTrue(real.startsWith(sys().resolve("devices")), "resolved inside the mount: " + real);
            for (String attribute : List.of("address", "mtu", "type", "ifindex")) {
                assertEquals(Files.readString(local.resolve(name).resolve(attribute)),
                        Files.readString(remote.resolve(name).resolve(attribute)), name + "/" + attribute);
            }
        }
        String find = "cd \"$0\" && find -L . -maxdepth 2 -printf '%y %p\\n' 2>/dev/null | sort";
        assertEquals(Command.of("sh", "-c", find, local.toString()).run().stdout(),
                Command.of("sh", "-c", find, remote.toString()).run().stdout());
    }

    // ---- cgroups --------------------------------------------------------------------------------

    /** Where the memory controller's files are, and their names, on cgroup v1 and v2. */
    private record MemoryCgroups(Path base, String limit, String usage) {
        static MemoryCgroups onThisHost() {
            boolean v2 = MountTable.entries().stream()
                    .anyMatch(e -> e.mountPoint().equals(Path.of("/sys/fs/cgroup")) && e.fsType().equals("cgroup2"));
            return v2 ? new MemoryCgroups(Path.of(""), "memory.max", "memory.current")
                    : new MemoryCgroups(Path.of("memory"), "memory.limit_in_bytes", "memory.usage_in_bytes");
        }
    }

    @Test
    void cgroupRoundTripFromTheClient() throws IOException {
        MemoryCgroups memory = MemoryCgroups.onThisHost();
        String name = "qtfs-pseudo-" + ProcessHandle.current().pid();
        Path server = Path.of("/sys/fs/cgroup").resolve(memory.base()).resolve(name);
        Path client = HOST.mount("cgroup").resolve(memory.base()).resolve(name);
        Command.Running sleeper = Command.of("sleep", "303").start();
        try {
            Files.createDirectory(client);
            assertTrue(Files.isDirectory(server), "mkdir made the cgroup on the server");
            assertTrue(Files.exists(client.resolve(memory.limit())), "the kernel filled it in: " + client);

            Command.of("sh", "-c", "echo 100M > \"$0\"", client.resolve(memory.limit()).toString()).runOk();
            assertEquals("104857600\n", Files.readString(server.resolve(memory.limit())));
            assertEquals("104857600\n", Files.readString(client.resolve(memory.limit())));
            // One write(2) is one write on the server: a limit padded with blanks to more than a
            // page is refused whole (E2BIG) as it is locally; split, its first page would be
            // refused as blank (EINVAL), or the second part taken alone.
            String padded = " ".repeat(5000) + "300M";
            assertEquals(failure(() -> Files.writeString(server.resolve(memory.limit()), padded)),
                    failure(() -> Files.writeString(client.resolve(memory.limit()), padded)));
            String withinAPage = " ".repeat(4000) + "150M\n";
            Files.writeString(client.resolve(memory.limit()), withinAPage);
            assertEquals("157286400\n", Files.readString(server.resolve(memory.limit())), "not split, not padded");
            // truncate (a size change through setattr) does not break the file
            Command.of("truncate", "-s", "0", client.resolve(memory.limit()).toString()).runOk();
            Command.of("sh", "-c", "echo 200M > \"$0\"", client.resolve(memory.limit()).toString()).runOk();
            assertEquals("209715200\n", Files.readString(server.resolve(memory.limit())));

            long pid = ProcessTree.childRunning("sleep 303");
            Command.of("sh", "-c", "echo " + pid + " > \"$0\"", client.resolve("cgroup.procs").toString()).runOk();
            assertEquals(pid + "\n", Files.readString(client.resolve("cgroup.procs")), "the server process is in it");
            assertTrue(Files.readString(Path.of("/proc/" + pid + "/cgroup")).contains("/" + name + "\n"),
                    Files.readString(Path.of("/proc/" + pid + "/cgroup")));
            String stat = Files.readString(client.resolve("memory.stat"));
            assertTrue(stat.lines().anyMatch(l -> l.startsWith("anon ") || l.startsWith("rss ")), stat);
            Long.parseLong(Files.readString(client.resolve(memory.usage())).strip());

            Command.of("sh", "-c", "echo " + pid + " > \"$0\"", client.getParent().resolve("cgroup.procs").toString()).runOk();
            assertEquals("", Files.readString(client.resolve("cgroup.procs")));
            Files.delete(client);
            assertFalse(Files.exists(server), "rmdir removed the cgroup on the server");
        } finally {
            sleeper.kill();
            removeCgroup(server);
        }
    }

    /** Leaves nothing behind: processes back to the parent, then rmdir, straight on the server. */
    private static void removeCgroup(Path cgroup) throws IOException {
        if (!Files.isDirectory(cgroup)) return;
        for (String pid : Files.readAllLines(cgroup.resolve("cgroup.procs"))) {
            try {
                Files.writeString(cgroup.getParent().resolve("cgroup.procs"), pid);
            } catch (IOException e) {
                // gone meanwhile
            }
        }
        Files.delete(cgroup);
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static String firstField(Path file, int field) {
        try {
            return Files.readString(file).split("\\s+")[field - 1];
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    private interface Action {
        void run() throws IOException;
    }

    /** The message of the IOException {@code action} fails with, without the path. */
    private static String failure(Action action) {
        try {
            action.run();
        } catch (IOException e) {
            String message = e.getMessage();
            return message.substring(message.lastIndexOf(':') + 1).strip();
        }
        throw new AssertionError("expected to fail");
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String withoutFrequencies(String lscpu) {
        List<String> kept = new ArrayList<>();
        for (String line : lscpu.lines().toList()) {
            if (!line.contains("MHz") && !line.startsWith("BogoMIPS")) kept.add(line);
        }
        return String.join("\n", kept);
    }

}
