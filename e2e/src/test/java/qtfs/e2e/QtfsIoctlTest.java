package qtfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import qtfs.e2e.harness.Command;
import qtfs.e2e.harness.HostTool;
import qtfs.e2e.harness.QtfsFixture;

/**
 * ioctls through a qtfs mount: file attribute flags (lsattr, chattr) and FS_IOC_FSGETXATTR
 * give what the same calls give on the server's file; any other ioctl is ENOTTY.
 */
class QtfsIoctlTest {
    @RegisterExtension
    static final QtfsFixture QTFS = QtfsFixture.singleExport();

    /** Prints the struct fsxattr of each file argument as hex, or the errno name of the failure. */
    private static final String FSGETXATTR = """
            import errno, fcntl, sys
            FS_IOC_FSGETXATTR = 0x801c581f
            for path in sys.argv[1:]:
                with open(path, 'rb') as f:
                    buf = bytearray(28)
                    try:
                        fcntl.ioctl(f, FS_IOC_FSGETXATTR, buf)
                        print(buf.hex())
                    except OSError as e:
                        print(errno.errorcode[e.errno])
            """;

    /** Issues an ioctl no file system knows, _IOR('q', 0x7f, int), on the file; prints the errno name. */
    private static final String UNKNOWN_IOCTL = """
            import errno, fcntl, os, sys
            fd = os.open(sys.argv[1], os.O_RDONLY)
            try:
                fcntl.ioctl(fd, 0x8004717f, bytearray(4))
                print('accepted')
            except OSError as e:
                print(errno.errorcode[e.errno])
            """;

    @Test
    void chattrAndLsattrWorkThroughTheMountAsOnTheServer() throws IOException {
        Path onServer = Files.writeString(QTFS.exportDir().resolve("flagged"), "append only\n");
        Path onClient = QTFS.mountPoint().resolve("flagged");
        Path dirOnServer = Files.createDirectories(QTFS.exportDir().resolve("flagged-dir"));
        try {
            Command.of(HostTool.CHATTR.path(), "+a", onClient.toString()).runOk();
            assertTrue(lsattr(onServer).contains("a"), "set through the mount, seen on the server: " + lsattr(onServer));
            assertEquals(lsattr(onServer), lsattr(onClient));
            assertEquals(lsattr("-d", dirOnServer), lsattr("-d", QTFS.mountPoint().resolve("flagged-dir")));

            String both = python(FSGETXATTR, onServer.toString(), onClient.toString());
            String[] lines = both.split("\n");
            assertEquals(2, lines.length, both);
            assertEquals(lines[0], lines[1], "FS_IOC_FSGETXATTR on the server and through the mount");
            assertEquals("10", lines[0].substring(0, 2), "FS_XFLAG_APPEND set: " + lines[0]);

            Command.of(HostTool.CHATTR.path(), "-a", onClient.toString()).runOk();
            assertEquals(lsattr(onServer), lsattr(onClient));
            assertTrue(!flags(lsattr(onServer)).contains("a"), lsattr(onServer));
        } finally {
            Command.of(HostTool.CHATTR.path(), "-a", onServer.toString()).timeout(Duration.ofSeconds(30)).run();
        }
    }

    @Test
    void unknownIoctlIsNotForwarded() throws IOException {
        Files.writeString(QTFS.exportDir().resolve("plain"), "x\n");
        assertEquals("ENOTTY\n", python(UNKNOWN_IOCTL, QTFS.mountPoint().resolve("plain").toString()));
        assertEquals("ENOTTY\n", python(UNKNOWN_IOCTL, QTFS.mountPoint().toString()));
    }

    private static String lsattr(Path path) {
        return lsattr("", path);
    }

    /** lsattr's flag column for {@code path} ({@code option} e.g. -d, or empty). */
    private static String lsattr(String option, Path path) {
        Command c = option.isEmpty() ? Command.of(HostTool.LSATTR.path(), path.toString())
                : Command.of(HostTool.LSATTR.path(), option, path.toString());
        return flags(c.runOk().stdout());
    }

    private static String flags(String lsattrLine) {
        return lsattrLine.trim().split("\\s+")[0];
    }

    private static String python(String script, String... args) {
        String[] argv = new String[args.length + 3];
        argv[0] = HostTool.PYTHON3.path();
        argv[1] = "-c";
        argv[2] = script;
        System.arraycopy(args, 0, argv, 3, args.length);
        return Command.of(argv).runOk().stdout();
    }
}
