package qtfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import qtfs.e2e.harness.Command;
import qtfs.e2e.harness.CommandResult;
import qtfs.e2e.harness.HostTool;
import qtfs.e2e.harness.MountedFileSystem;
import qtfs.e2e.harness.SampleTree;
import qtfs.e2e.harness.ScratchDir;
import qtfs.e2e.harness.TreeListing;
import qtfs.e2e.probe.BehaviourComparison;

/**
 * Real programs doing real work with their working directory on the mount: git, tar, sqlite3
 * with concurrent writers, cp -a, rsync -a, a C build with make. Where a program's result can be
 * compared, the same work is done in a local directory and the results must be identical.
 */
abstract class RealProgramsSuite {
    private static final AtomicInteger UNIQUE = new AtomicInteger();

    protected abstract MountedFileSystem fileSystem();

    private Path fresh(Path parent, String name) {
        return ScratchDir.makeDirectory(parent.resolve(name + "-" + UNIQUE.incrementAndGet()));
    }

    private void assertSameLines(String what, Path localDir, List<String> local, Path mountDir, List<String> mounted) {
        BehaviourComparison.ofLines(what, localDir, local, fileSystem().name(), mountDir, mounted).assertSame();
    }

    // ---- git ------------------------------------------------------------------------------------

    @Test
    void gitClonesCommitsReportsStatusAndCollectsGarbage() throws IOException {
        MountedFileSystem fs = fileSystem();
        Path home = fresh(fs.localDir(), "git-home");
        Path origin = fresh(fs.localDir(), "git-origin");
        git(home, origin, "init", "-q", "-b", "main");
        Files.writeString(origin.resolve("a.txt"), "first\n");
        Files.writeString(origin.resolve("old.txt"), "to be removed\n");
        Files.createDirectories(origin.resolve("dir/sub"));
        Files.write(origin.resolve("dir/sub/data.bin"), SampleTree.pattern(200_000));
        Files.writeString(origin.resolve("run.sh"), "#!/bin/sh\necho run\n");
        git(home, origin, "add", "-A");
        git(home, origin, "commit", "-q", "-m", "initial");

        Path localWork = fresh(fs.localDir(), "git-local");
        Path mountWork = fresh(fs.mountPoint(), "git-mounted");
        assertSameLines("git clone/commit/status/gc", localWork, gitSession(home, origin, localWork), mountWork,
                gitSession(home, origin, mountWork));
    }

    /** The same git work wherever it runs, as a transcript of what git reported. */
    private List<String> gitSession(Path home, Path origin, Path parent) throws IOException {
        List<String> transcript = new ArrayList<>();
        git(home, parent, "clone", "-q", "--no-hardlinks", origin.toString(), "clone");
        Path clone = parent.resolve("clone");
        Files.writeString(clone.resolve("a.txt"), "second\n");
        Files.writeString(clone.resolve("dir/new.txt"), "new file\n");
        Files.delete(clone.resolve("old.txt"));
        Files.setPosixFilePermissions(clone.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        record(transcript, "status before add", git(home, clone, "status", "--porcelain"));
        git(home, clone, "add", "-A");
        record(transcript, "status after add", git(home, clone, "status", "--porcelain"));
        git(home, clone, "commit", "-q", "-m", "second");
        record(transcript, "status after commit", git(home, clone, "status", "--porcelain"));
        Files.setLastModifiedTime(clone.resolve("a.txt"), FileTime.from(Instant.now().plusSeconds(1)));
        record(transcript, "status after touching a file", git(home, clone, "status", "--porcelain"));
        git(home, clone, "checkout", "-q", "-b", "topic");
        Files.writeString(clone.resolve("a.txt"), "on topic\n");
        git(home, clone, "commit", "-q", "-am", "topic change");
        git(home, clone, "checkout", "-q", "main");
        record(transcript, "a.txt back on main", Files.readString(clone.resolve("a.txt")));
        git(home, clone, "merge", "-q", "--no-edit", "topic");
        record(transcript, "log", git(home, clone, "log", "--format=%H %s"));
        git(home, clone, "gc", "-q", "--prune=now");
        record(transcript, "objects after gc", git(home, clone, "count-objects", "-v").lines()
                .filter(l -> l.startsWith("count:") || l.startsWith("packs:")).toList().toString());
        git(home, clone, "fsck", "--full", "--strict", "--no-progress");
        record(transcript, "index", git(home, clone, "ls-files", "-s"));
        record(transcript, "status at the end", git(home, clone, "status", "--porcelain"));
        return transcript;
    }

    private static void record(List<String> transcript, String step, String output) {
        transcript.add("== " + step);
        transcript.addAll(output.lines().toList());
    }

    private static String git(Path home, Path dir, String... args) {
        List<String> argv = new ArrayList<>(List.of(HostTool.GIT.path(), "-c", "core.fsync=all", "-c",
                "core.fsyncMethod=fsync", "-c", "gc.autoDetach=false", "-c", "protocol.file.allow=always"));
        argv.addAll(List.of(args));
        return Command.of(argv).in(dir).env("HOME", home.toString()).env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_AUTHOR_NAME", "qtfs").env("GIT_AUTHOR_EMAIL", "qtfs@example.invalid")
                .env("GIT_COMMITTER_NAME", "qtfs").env("GIT_COMMITTER_EMAIL", "qtfs@example.invalid")
                .env("GIT_AUTHOR_DATE", "2024-01-02T03:04:05Z").env("GIT_COMMITTER_DATE", "2024-01-02T03:04:05Z")
                .runOk().stdout();
    }

    // ---- tar ------------------------------------------------------------------------------------

    @Test
    void tarExtractedOnTheMountRepacksToTheSameArchive() {
        MountedFileSystem fs = fileSystem();
        Path work = fresh(fs.localDir(), "tar");
        Path source = SampleTree.create(work.resolve("source"));
        for (List<String> format : List.of(List.of("--format=gnu"), List.of("--format=posix", "--xattrs", "--acls",
                "--pax-option=delete=atime,delete=ctime"))) {
            Path original = work.resolve("original.tar");
            tar(work, format, "-cf", original.toString(), "-C", source.toString(), ".");
            Path localCopy = fresh(work, "extracted");
            tar(work, format, "-xpf", original.toString(), "-C", localCopy.toString());
            Path localRepack = work.resolve("local-repack.tar");
            tar(work, format, "-cf", localRepack.toString(), "-C", localCopy.toString(), ".");
            assertEquals(sha256(original), sha256(localRepack),
                    "the test is wrong: repacking a local extraction with " + format + " changed the archive");

            Path mounted = fresh(fs.mountPoint(), "tar-extracted");
            tar(work, format, "-xpf", original.toString(), "-C", mounted.toString());
            Path mountedRepack = mounted.getParent().resolve(mounted.getFileName() + ".tar");
            tar(work, format, "-cf", mountedRepack.toString(), "-C", mounted.toString(), ".");
            if (!sha256(original).equals(sha256(mountedRepack))) {
                assertSameLines("tar " + format + " extraction", localCopy, listing(localCopy), mounted, listing(mounted));
                throw new AssertionError("tar " + format + ": the archive repacked from " + mounted
                        + " differs from the original, although the trees list the same:\n"
                        + diffArchives(work, original, mountedRepack));
            }
        }
    }

    private static void tar(Path dir, List<String> format, String... args) {
        List<String> argv = new ArrayList<>(List.of(HostTool.TAR.path(), "--sort=name", "--numeric-owner"));
        argv.addAll(format);
        argv.addAll(List.of(args));
        Command.of(argv).in(dir).runOk();
    }

    private static String diffArchives(Path dir, Path a, Path b) {
        String first = Command.of(HostTool.TAR.path(), "--full-time", "--numeric-owner", "-tvvf", a.toString()).in(dir)
                .runOk().stdout();
        String second = Command.of(HostTool.TAR.path(), "--full-time", "--numeric-owner", "-tvvf", b.toString()).in(dir)
                .runOk().stdout();
        return "original:\n" + first + "repacked:\n" + second;
    }

    private static String sha256(Path file) {
        return Command.of(HostTool.SHA256SUM.path(), file.toString()).runOk().stdout().split(" ")[0];
    }

    private static List<String> listing(Path root) {
        return TreeListing.of(root);
    }

    // ---- sqlite ---------------------------------------------------------------------------------

    @Test
    void sqliteWritersInSeveralProcessesLoseNoRow() {
        Path dir = fresh(fileSystem().mountPoint(), "sqlite");
        Path db = dir.resolve("test.db");
        sqlite(dir, db, "CREATE TABLE t(writer INTEGER, n INTEGER, payload TEXT);");
        int writers = 4;
        int rows = 60;
        List<Command.Running> running = IntStream.range(0, writers)
                .mapToObj(w -> Command.of(HostTool.SQLITE3.path(), "-bail", db.toString()).in(dir)
                        .stdin(writerScript(w, rows)).timeout(Duration.ofSeconds(240)).start())
                .toList();
        for (CommandResult result : Command.awaitAll(running)) {
            result.requireSuccess();
            assertEquals("", result.stderr(), "a sqlite3 writer reported an error:\n" + result.describe());
        }
        assertEquals(writers * rows + "|" + writers + "|" + writers * (rows * (rows - 1) / 2),
                sqlite(dir, db, "SELECT count(*), count(DISTINCT writer), sum(n) FROM t;").strip());
        assertEquals("ok", sqlite(dir, db, "PRAGMA integrity_check;").strip());
    }

    /** Inserts one row per transaction, half of them in explicit IMMEDIATE transactions. */
    static String writerScript(int writer, int rows) {
        StringBuilder sql = new StringBuilder(".timeout 60000\n");
        for (int n = 0; n < rows; n++) {
            String insert = "INSERT INTO t VALUES(" + writer + ", " + n + ", hex(randomblob(300)));";
            sql.append(n % 2 == 0 ? insert : "BEGIN IMMEDIATE; " + insert + " COMMIT;").append('\n');
        }
        return sql.toString();
    }

    static String sqlite(Path dir, Path db, String sql) {
        return Command.of(HostTool.SQLITE3.path(), "-bail", "-cmd", ".timeout 60000", db.toString(), sql).in(dir)
                .runOk().stdout();
    }

    // ---- cp -a and rsync -a ---------------------------------------------------------------------

    @Test
    void cpArchiveKeepsModesOwnersTimesLinksXattrsAndAcls() {
        MountedFileSystem fs = fileSystem();
        Path source = SampleTree.create(fresh(fs.localDir(), "cp-source"));
        Path onMount = fresh(fs.mountPoint(), "cp").resolve("copy");
        Command.of(HostTool.CP.path(), "-a", source.toString(), onMount.toString()).runOk();
        assertSameLines("cp -a onto the mount", source, listing(source), onMount, listing(onMount));
        Path back = fresh(fs.localDir(), "cp-back").resolve("copy");
        Command.of(HostTool.CP.path(), "-a", onMount.toString(), back.toString()).runOk();
        assertSameLines("cp -a back from the mount", source, listing(source), back, listing(back));
    }

    @Test
    void rsyncArchiveCopiesEverythingAndThenFindsNothingToDo() {
        MountedFileSystem fs = fileSystem();
        Path source = SampleTree.create(fresh(fs.localDir(), "rsync-source"));
        Path onMount = fresh(fs.mountPoint(), "rsync");
        rsync("-aHAX", source + "/", onMount + "/");
        assertSameLines("rsync -aHAX onto the mount", source, listing(source), onMount, listing(onMount));
        String again = rsync("-aHAXn", "--checksum", "--itemize-changes", source + "/", onMount + "/");
        assertEquals("", again, "a second rsync -aHAX --checksum still found differences");
        Path back = fresh(fs.localDir(), "rsync-back");
        rsync("-aHAX", onMount + "/", back + "/");
        assertSameLines("rsync -aHAX back from the mount", source, listing(source), back, listing(back));
    }

    private static String rsync(String... args) {
        List<String> argv = new ArrayList<>(List.of(HostTool.RSYNC.path()));
        argv.addAll(List.of(args));
        return Command.of(argv).runOk().stdout();
    }

    // ---- a C build ------------------------------------------------------------------------------

    @Test
    void makeBuildsRebuildsOnlyWhatChangedAndCleans() throws IOException {
        Path dir = fresh(fileSystem().mountPoint(), "build");
        Files.writeString(dir.resolve("greet.h"), "const char *greeting(void);\nint count(int n);\n");
        Files.writeString(dir.resolve("greet.c"), "#include \"greet.h\"\nconst char *greeting(void) { return \"hello\"; }\n");
        Files.writeString(dir.resolve("count.c"),
                "#include \"greet.h\"\nint count(int n) { int s = 0; for (int i = 1; i <= n; i++) s += i; return s; }\n");
        Files.writeString(dir.resolve("main.c"), "#include <stdio.h>\n#include \"greet.h\"\n"
                + "int main(void) { printf(\"%s from the mount, count=%d\\n\", greeting(), count(10)); return 0; }\n");
        Files.writeString(dir.resolve("Makefile"), String.join("\n",
                "CFLAGS = -O1 -Wall -Werror",
                "all: hello",
                "libutil.a: greet.o count.o",
                "\tar rcs $@ $^",
                "hello: main.o libutil.a",
                "\t$(CC) -o $@ main.o -L. -lutil",
                "%.o: %.c greet.h",
                "\t$(CC) $(CFLAGS) -c -o $@ $<",
                "clean:",
                "\trm -f *.o *.a hello",
                ""));
        make(dir, "-j2").requireSuccess();
        assertEquals("hello from the mount, count=55\n", Command.of(dir.resolve("hello").toString()).in(dir).runOk().stdout());
        assertEquals(0, make(dir, "-q").exitCode(), "make -q: the fresh build is not up to date");

        Instant past = Instant.now().minusSeconds(120);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                boolean product = file.toString().endsWith(".o") || file.toString().endsWith(".a")
                        || file.getFileName().toString().equals("hello");
                Files.setLastModifiedTime(file, FileTime.from(product ? past.plusSeconds(60) : past));
            }
        }
        assertEquals(0, make(dir, "-q").exitCode(), "make -q: not up to date after moving every mtime into the past");
        Files.writeString(dir.resolve("greet.c"), "#include \"greet.h\"\nconst char *greeting(void) { return \"rebuilt\"; }\n");
        assertEquals(1, make(dir, "-q").exitCode(), "make -q: a changed source went unnoticed");
        String rebuild = make(dir).requireSuccess().stdout();
        assertTrue(rebuild.contains("greet.c") && !rebuild.contains("main.c") && !rebuild.contains("count.c"),
                "make rebuilt more or less than greet.o:\n" + rebuild);
        assertEquals("rebuilt from the mount, count=55\n", Command.of(dir.resolve("hello").toString()).in(dir).runOk().stdout());
        make(dir, "clean").requireSuccess();
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("Makefile", "count.c", "greet.c", "greet.h", "main.c"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertFalse(Files.exists(dir.resolve("hello")));
    }

    private static CommandResult make(Path dir, String... args) {
        HostTool.AR.path(); // the Makefile runs ar: fail early, naming its package, if it is missing
        List<String> argv = new ArrayList<>(List.of(HostTool.MAKE.path(), "CC=" + HostTool.GCC.path()));
        argv.addAll(List.of(args));
        return Command.of(argv).in(dir).run();
    }
}
