package qtfs.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;

/**
 * A small tree with what archivers must carry over: every common mode (set-ID and sticky bits
 * too), owners, nanosecond mtimes, empty/odd-sized/sparse-ish files, symlinks (one dangling),
 * hard links, a FIFO, user xattrs and a POSIX ACL. Built the same way every time.
 */
public final class SampleTree {
    private SampleTree() {
    }

    public static Path create(Path root) {
        try {
            ScratchDir.makeDirectory(root);
            Path docs = dir(root.resolve("docs"), "rwxr-x---");
            Path shared = dir(root.resolve("shared"), "rwxrwxrwx");
            Path group = dir(root.resolve("group"), "rwxrwxr-x");
            Path deep = dir(root.resolve("docs/a/b/c"), "rwxr-xr-x");
            file(root.resolve("empty"), new byte[0], "rw-r--r--");
            file(root.resolve("docs/readme.txt"), "read me\n".getBytes(StandardCharsets.UTF_8), "rw-r-----");
            file(root.resolve("docs/a/b/c/odd.bin"), pattern(4095), "rw-------");
            file(root.resolve("big.bin"), pattern(3 * 1024 * 1024 + 7), "rw-r--r--");
            file(root.resolve("tool"), "#!/bin/sh\necho tool\n".getBytes(StandardCharsets.UTF_8), "rwxr-xr-x");
            file(root.resolve("setuid-tool"), "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), "rwxr-xr-x");
            file(root.resolve("shared/by-alice"), "alice\n".getBytes(StandardCharsets.UTF_8), "rw-rw-r--");
            Files.createLink(root.resolve("docs/hardlink-to-readme"), root.resolve("docs/readme.txt"));
            Files.createSymbolicLink(root.resolve("link-to-docs"), Path.of("docs"));
            Files.createSymbolicLink(root.resolve("dangling"), Path.of("no/such/target"));
            Command.of(HostTool.MKFIFO.path(), "-m", "0640", root.resolve("fifo").toString()).runOk();
            Files.setAttribute(root.resolve("shared/by-alice"), "unix:uid", 1001);
            Files.setAttribute(root.resolve("shared/by-alice"), "unix:gid", 2002);
            Files.setAttribute(group, "unix:gid", 2002);
            Command.of(HostTool.CHMOD.path(), "4755", root.resolve("setuid-tool").toString()).runOk();
            Command.of(HostTool.CHMOD.path(), "1777", shared.toString()).runOk();
            Command.of(HostTool.CHMOD.path(), "2775", group.toString()).runOk();
            xattr(root.resolve("docs/readme.txt"), "comment", "a user xattr");
            xattr(root.resolve("big.bin"), "checksum", "not really");
            xattr(docs, "dir.note", "on a directory");
            Command.of(HostTool.SETFACL.path(), "-m", "u:1001:rw,g:2002:r", root.resolve("docs/readme.txt").toString())
                    .runOk();
            Command.of(HostTool.SETFACL.path(), "-d", "-m", "u:1001:rwx", group.toString()).runOk();
            // touch -h sets times without opening: opening the FIFO would block
            long nanos = 1_600_000_000_123_456_789L;
            for (Path p : List.of(root.resolve("empty"), root.resolve("docs/readme.txt"), root.resolve("big.bin"),
                    root.resolve("tool"), root.resolve("setuid-tool"), root.resolve("docs/a/b/c/odd.bin"),
                    root.resolve("shared/by-alice"), root.resolve("fifo"), root.resolve("link-to-docs"),
                    root.resolve("dangling"), deep, root.resolve("docs/a/b"), root.resolve("docs/a"), group, shared,
                    docs, root)) {
                nanos += 86_400_000_000_007L;
                String stamp = "@" + nanos / 1_000_000_000L + "." + String.format("%09d", nanos % 1_000_000_000L);
                Command.of(HostTool.TOUCH.path(), "-h", "-m", "-d", stamp, p.toString()).runOk();
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("could not build the sample tree in " + root, e);
        }
    }

    private static Path dir(Path dir, String permissions) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(permissions));
        return dir;
    }

    private static void file(Path file, byte[] content, String permissions) throws IOException {
        Files.write(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    }

    private static void xattr(Path file, String name, String value) throws IOException {
        Files.getFileAttributeView(file, UserDefinedFileAttributeView.class)
                .write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
    }

    /** Bytes that differ at most offsets, so misplaced data shows. */
    public static byte[] pattern(int size) {
        byte[] bytes = new byte[size];
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < size; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            bytes[i] = (byte) x;
        }
        return bytes;
    }
}
