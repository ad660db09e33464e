package qtfs.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import qtfs.e2e.harness.Command;
import qtfs.e2e.harness.CommandResult;
import qtfs.e2e.harness.HostTool;
import qtfs.e2e.harness.MountedFileSystem;
import qtfs.e2e.harness.Poll;
import qtfs.e2e.harness.ScratchDir;
import qtfs.e2e.harness.UnixUser;
import qtfs.e2e.probe.ProbeScripts;

/**
 * The client and the server share the files: what a client writes is on the server when the
 * call returns; what a process on the server changes reaches the client within the attribute
 * timeout (plus one second of margin); locks taken on either side conflict with the other side.
 */
abstract class SharingSuite {
    private static final AtomicInteger UNIQUE = new AtomicInteger();
    private static final Duration GIVE_UP = Duration.ofSeconds(15);

    protected abstract MountedFileSystem fileSystem();

    /** The same new directory seen from both sides: [0] through the mount, [1] on the server. */
    private Path[] sharedDirectory(String name) {
        String unique = name + "-" + UNIQUE.incrementAndGet();
        Path client = ScratchDir.makeDirectory(fileSystem().mountPoint().resolve(unique));
        return new Path[] {client, fileSystem().exportDir().resolve(unique)};
    }

    // ---- client to server: at once --------------------------------------------------------------

    @Test
    void clientWritesAreOnTheServerWhenTheCallReturns() throws IOException {
        Path[] dir = sharedDirectory("client-writes");
        Path client = dir[0].resolve("file");
        Path server = dir[1].resolve("file");
        try (FileChannel channel = FileChannel.open(client, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap("first".getBytes(StandardCharsets.UTF_8)));
            assertEquals("first", Files.readString(server), "data written through the open file, before close");
            channel.write(ByteBuffer.wrap("-second".getBytes(StandardCharsets.UTF_8)), 5);
            assertEquals("first-second", Files.readString(server), "a second write at an offset, before close");
            channel.truncate(5);
            assertEquals("first", Files.readString(server), "ftruncate before close");
        }
        Files.write(client, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
        assertArrayEquals(new byte[] {'f', 'i', 'r', 's', 't', 1, 2, 3}, Files.readAllBytes(server), "append");

        Files.createDirectory(dir[0].resolve("sub"));
        assertTrue(Files.isDirectory(dir[1].resolve("sub")), "mkdir");
        Files.move(client, dir[0].resolve("sub/moved"));
        assertFalse(Files.exists(server), "rename: old name");
        assertEquals(8, Files.size(dir[1].resolve("sub/moved")), "rename: new name");
        Files.setPosixFilePermissions(dir[0].resolve("sub/moved"), PosixFilePermissions.fromString("rw-------"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir[1].resolve("sub/moved"))),
                "chmod");
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(dir[0].resolve("sub/moved"), old);
        assertEquals(old, Files.getLastModifiedTime(dir[1].resolve("sub/moved")), "utimens");
        Files.getFileAttributeView(dir[0].resolve("sub/moved"), UserDefinedFileAttributeView.class)
                .write("shared", ByteBuffer.wrap("yes".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("shared"), Files.getFileAttributeView(dir[1].resolve("sub/moved"),
                UserDefinedFileAttributeView.class).list(), "setxattr");
        Files.createSymbolicLink(dir[0].resolve("link"), Path.of("sub/moved"));
        assertEquals(Path.of("sub/moved"), Files.readSymbolicLink(dir[1].resolve("link")), "symlink");
        Files.createLink(dir[0].resolve("hard"), dir[0].resolve("sub/moved"));
        assertEquals(2, Files.getAttribute(dir[1].resolve("sub/moved"), "unix:nlink"), "link");
        Files.delete(dir[0].resolve("hard"));
        assertFalse(Files.exists(dir[1].resolve("hard"), LinkOption.NOFOLLOW_LINKS), "unlink");
        Files.delete(dir[0].resolve("sub/moved"));
        Files.delete(dir[0].resolve("sub"));
        assertFalse(Files.exists(dir[1].resolve("sub")), "rmdir");
    }

    @Test
    void filesCreatedThroughTheMountBelongToTheCallerOnTheServer() throws IOException {
        Path[] dir = sharedDirectory("ownership");
        Files.setPosixFilePermissions(dir[0], PosixFilePermissions.fromString("rwxrwxrwx"));
        UnixUser user = new UnixUser("alice", 1001, 1001, List.of(1001, 2002));
        Command.of(HostTool.PYTHON3.path(), "-c",
                        "import os; open('file', 'w').close(); os.mkdir('dir'); os.symlink('file', 'link');"
                                + " os.mkfifo('fifo'); os.link('file', 'hard')")
                .in(dir[0]).as(user).runOk();
        for (String name : List.of("file", "dir", "link", "fifo", "hard")) {
            Path onServer = dir[1].resolve(name);
            assertEquals(1001, Files.getAttribute(onServer, "unix:uid", LinkOption.NOFOLLOW_LINKS), name + " owner");
            assertEquals(1001, Files.getAttribute(onServer, "unix:gid", LinkOption.NOFOLLOW_LINKS), name + " group");
        }
        Command.of(HostTool.PYTHON3.path(), "-c", "import os; os.chown('file', -1, 2002)").in(dir[0]).as(user).runOk();
        assertEquals(2002, Files.getAttribute(dir[1].resolve("file"), "unix:gid"), "chgrp to a supplementary group");
    }

    // ---- server to client: within the attribute timeout ----------------------------------------

    /** A change made on the server, and how the client sees whether it has arrived. */
    record ServerChange(String name, IoAction prepare, IoAction change, IoCondition seen) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    interface IoAction {
        void run(Path client, Path server) throws IOException;
    }

    @FunctionalInterface
    interface IoCondition {
        boolean holds(Path client) throws IOException;
    }

    static Stream<ServerChange> serverChanges() {
        return Stream.of(
                new ServerChange("appended data",
                        (c, s) -> {
                            Files.writeString(s.resolve("f"), "one");
                            Files.readString(c.resolve("f"));
                        },
                        (c, s) -> Files.writeString(s.resolve("f"), "two", StandardOpenOption.APPEND),
                        c -> Files.readString(c.resolve("f")).equals("onetwo")),
                new ServerChange("data overwritten in place (same size)",
                        (c, s) -> {
                            Files.writeString(s.resolve("f"), "aaaa");
                            Files.readString(c.resolve("f"));
                        },
                        (c, s) -> {
                            try (FileChannel ch = FileChannel.open(s.resolve("f"), StandardOpenOption.WRITE)) {
                                ch.write(ByteBuffer.wrap("bb".getBytes(StandardCharsets.UTF_8)), 1);
                            }
                        },
                        c -> Files.readString(c.resolve("f")).equals("abba")),
                new ServerChange("file replaced by rename",
                        (c, s) -> {
                            Files.writeString(s.resolve("f"), "old");
                            Files.readString(c.resolve("f"));
                        },
                        (c, s) -> {
                            Files.writeString(s.resolve("f.tmp"), "new");
                            Files.move(s.resolve("f.tmp"), s.resolve("f"), StandardCopyOption.ATOMIC_MOVE);
                        },
                        c -> Files.readString(c.resolve("f")).equals("new")),
                new ServerChange("truncated",
                        (c, s) -> {
                            Files.writeString(s.resolve("f"), "long content");
                            Files.readString(c.resolve("f"));
                        },
                        (c, s) -> {
                            try (FileChannel ch = FileChannel.open(s.resolve("f"), StandardOpenOption.WRITE)) {
                                ch.truncate(4);
                            }
                        },
                        c -> Files.size(c.resolve("f")) == 4 && Files.readString(c.resolve("f")).equals("long")),
                new ServerChange("mode",
                        (c, s) -> {
                            Files.writeString(s.resolve("f"), "x");
                            Files.getPosixFilePermissions(c.resolve("f"));
                        },
                        (c, s) -> Files.setPosixFilePermissions(s.resolve("f"), PosixFilePermissions.fromString("rw-------")),
                        c -> PosixFilePermissions.toString(Files.getPosixFilePermissions(c.resolve("f"))).equals("rw-------")),
                new ServerChange("owner",
                        (c, s) -> {
                            Files.writeString(s.resolve("f"), "x");
                            Files.getAttribute(c.resolve("f"), "unix:uid");
                        },
                        (c, s) -> Files.setAttribute(s.resolve("f"), "unix:uid", 4242),
                        c -> Files.getAttribute(c.resolve("f"), "unix:uid").equals(4242)),
                new ServerChange("mtime",
                        (c, s) -> {
                            Files.writeString(s.resolve("f"), "x");
                            Files.getLastModifiedTime(c.resolve("f"));
                        },
                        (c, s) -> Files.setLastModifiedTime(s.resolve("f"), FileTime.fromMillis(1_000_000_000_000L)),
                        c -> Files.getLastModifiedTime(c.resolve("f")).toMillis() == 1_000_000_000_000L),
                new ServerChange("new file after a failed lookup",
                        (c, s) -> assertFalse(Files.exists(c.resolve("new"))),
                        (c, s) -> Files.writeString(s.resolve("new"), "x"),
                        c -> Files.exists(c.resolve("new"))),
                new ServerChange("removed file",
                        (c, s) -> {
                            Files.writeString(s.resolve("f"), "x");
                            assertTrue(Files.exists(c.resolve("f")));
                        },
                        (c, s) -> Files.delete(s.resolve("f")),
                        c -> !Files.exists(c.resolve("f"))),
                new ServerChange("renamed file",
                        (c, s) -> {
                            Files.writeString(s.resolve("f"), "x");
                            assertTrue(Files.exists(c.resolve("f")));
                        },
                        (c, s) -> Files.move(s.resolve("f"), s.resolve("g")),
                        c -> !Files.exists(c.resolve("f")) && Files.exists(c.resolve("g"))),
                new ServerChange("new entry in a listed directory",
                        (c, s) -> {
                            try (Stream<Path> list = Files.list(c)) {
                                list.count();
                            }
                        },
                        (c, s) -> Files.createDirectory(s.resolve("listed")),
                        c -> {
                            try (Stream<Path> list = Files.list(c)) {
                                return list.anyMatch(p -> p.getFileName().toString().equals("listed"));
                            }
                        }),
                new ServerChange("link count",
                        (c, s) -> {
                            Files.writeString(s.resolve("f"), "x");
                            Files.getAttribute(c.resolve("f"), "unix:nlink");
                        },
                        (c, s) -> Files.createLink(s.resolve("f2"), s.resolve("f")),
                        c -> Files.getAttribute(c.resolve("f"), "unix:nlink").equals(2)),
                new ServerChange("xattr",
                        (c, s) -> {
                            Files.writeString(s.resolve("f"), "x");
                            Files.getFileAttributeView(c.resolve("f"), UserDefinedFileAttributeView.class).list();
                        },
                        (c, s) -> Files.getFileAttributeView(s.resolve("f"), UserDefinedFileAttributeView.class)
                                .write("added", ByteBuffer.wrap(new byte[] {1})),
                        c -> Files.getFileAttributeView(c.resolve("f"), UserDefinedFileAttributeView.class).list()
                                .contains("added")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverChanges")
    void serverChangesReachTheClientWithinTheAttributeTimeout(ServerChange change) throws IOException {
        Path[] dir = sharedDirectory("server-change");
        change.prepare().run(dir[0], dir[1]);
        change.change().run(dir[0], dir[1]);
        Duration bound = fileSystem().attributeTimeout().plusSeconds(1);
        Duration took = Poll.until(() -> {
            try {
                return change.seen().holds(dir[0]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, GIVE_UP);
        if (took == null) {
            throw new AssertionError("the client never saw the server's change (" + change + ") within "
                    + GIVE_UP.toSeconds() + " s; the attribute timeout is " + fileSystem().attributeTimeout().toMillis()
                    + " ms");
        }
        assertTrue(took.compareTo(bound) <= 0, "the client saw the server's change (" + change + ") after "
                + took.toMillis() + " ms, later than the attribute timeout + 1 s = " + bound.toMillis() + " ms");
    }

    // ---- locks across the two sides -------------------------------------------------------------

    @ParameterizedTest(name = "{0} locks")
    @ValueSource(strings = {"posix", "flock"})
    void locksConflictBetweenServerAndClientProcesses(String kind) throws IOException {
        Path[] dir = sharedDirectory("locks-" + kind);
        Files.writeString(dir[0].resolve("f"), "locked data");
        Path markers = ScratchDir.makeDirectory(fileSystem().localDir().resolve(dir[0].getFileName() + "-markers"));
        assertEquals("EAGAIN", tryLockWhileHeld(kind, dir[1].resolve("f"), dir[0].resolve("f"), markers.resolve("a")),
                kind + " lock held by a server process, tried by a client process");
        assertEquals("EAGAIN", tryLockWhileHeld(kind, dir[0].resolve("f"), dir[1].resolve("f"), markers.resolve("b")),
                kind + " lock held by a client process, tried by a server process");
        assertEquals("locked", tryLock(kind, dir[0].resolve("f")), kind + " lock on the client once both let go");
    }

    /** Holds a lock on holderPath in one process while another tries on triedPath; returns its result. */
    private String tryLockWhileHeld(String kind, Path holderPath, Path triedPath, Path markerPrefix) {
        Path ready = Path.of(markerPrefix + ".ready");
        Path release = Path.of(markerPrefix + ".release");
        Command.Running holder = Command.of(HostTool.PYTHON3.path(), tool("lock_holder.py"), holderPath.toString(), kind,
                ready.toString(), release.toString()).timeout(Duration.ofSeconds(90)).start();
        try {
            if (Poll.until(() -> Files.exists(ready), Duration.ofSeconds(30)) == null) {
                throw new AssertionError("the lock holder did not take its " + kind + " lock on " + holderPath
                        + "\n" + holder.await().describe());
            }
            return tryLock(kind, triedPath);
        } finally {
            try {
                Files.writeString(release, "");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            holder.await().requireSuccess();
        }
    }

    private String tryLock(String kind, Path path) {
        return Command.of(HostTool.PYTHON3.path(), tool("lock_try.py"), path.toString(), kind)
                .timeout(Duration.ofSeconds(30)).runOk().stdout().strip();
    }

    private String tool(String name) {
        return ProbeScripts.installIn(fileSystem().localDir().getParent()).tool(name).toString();
    }

    @Test
    void sqliteWritersOnClientAndServerShareOneDatabase() {
        Path[] dir = sharedDirectory("sqlite-shared");
        Path clientDb = dir[0].resolve("shared.db");
        Path serverDb = dir[1].resolve("shared.db");
        RealProgramsSuite.sqlite(dir[0], clientDb, "CREATE TABLE t(writer INTEGER, n INTEGER, payload TEXT);");
        int rows = 80;
        List<Command.Running> writers = IntStream.range(0, 4)
                .mapToObj(w -> Command.of(HostTool.SQLITE3.path(), "-bail", (w % 2 == 0 ? clientDb : serverDb).toString())
                        .in(w % 2 == 0 ? dir[0] : dir[1]).stdin(RealProgramsSuite.writerScript(w, rows))
                        .timeout(Duration.ofSeconds(240)).start())
                .toList();
        for (CommandResult result : Command.awaitAll(writers)) {
            result.requireSuccess();
            assertEquals("", result.stderr(), "a sqlite3 writer reported an error:\n" + result.describe());
        }
        for (Path db : List.of(clientDb, serverDb)) {
            Path where = db.getParent();
            assertEquals(4 * rows + "|4", RealProgramsSuite.sqlite(where, db, "SELECT count(*), count(DISTINCT writer) FROM t;")
                    .strip(), "rows seen through " + db);
            assertEquals("ok", RealProgramsSuite.sqlite(where, db, "PRAGMA integrity_check;").strip(), "integrity of " + db);
        }
    }
}
