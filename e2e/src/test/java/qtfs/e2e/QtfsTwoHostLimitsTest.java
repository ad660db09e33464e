package qtfs.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import qtfs.e2e.harness.Command;
import qtfs.e2e.harness.CommandResult;
import qtfs.e2e.harness.QtfsFixture;
import qtfs.e2e.harness.TwoHostTlsFixture;

/**
 * qtfsd's limits as a program on the client meets them, over TLS between the two hosts: an
 * open beyond --max-open-files fails with "Too many open files", a mount beyond
 * --max-connections is refused with the reason; the server logs each, and the mount goes on
 * working.
 */
@Timeout(120)
class QtfsTwoHostLimitsTest {
    private static final int OPEN_FILES = 8;

    /** One mount of two connections; room for it and one connection more. */
    @RegisterExtension
    static final TwoHostTlsFixture TWO_HOSTS = TwoHostTlsFixture.with(
            List.of("--max-open-files", Integer.toString(OPEN_FILES), "--max-connections", "3"), "conns=2");

    @Test
    void anOpenBeyondTheLimitFailsWithTooManyOpenFilesAndTheMountGoesOn() throws IOException {
        Path dir = Files.createDirectories(TWO_HOSTS.mountPoint().resolve("open-files"));
        List<FileChannel> open = new ArrayList<>();
        try {
            for (int i = 0; i < OPEN_FILES; i++) {
                open.add(FileChannel.open(dir.resolve("f" + i), StandardOpenOption.CREATE, StandardOpenOption.WRITE));
            }
            FileSystemException e = assertThrows(FileSystemException.class,
                    () -> FileChannel.open(dir.resolve("one-more"), StandardOpenOption.CREATE, StandardOpenOption.WRITE));
            assertEquals("Too many open files", e.getReason(), e.toString());
        } finally {
            for (FileChannel c : open) c.close();
        }
        TWO_HOSTS.server().awaitCondition("the log line naming the client and the limit", () -> TWO_HOSTS.server().log().lines()
                .anyMatch(l -> l.contains("client 'qtfs@") && l.contains(OPEN_FILES + " open files and directories, the limit (max-open-files)")),
                Duration.ofSeconds(10));
        // the closes reached the server: there is room again
        TWO_HOSTS.server().awaitCondition("room for an open again", () -> {
            try {
                Files.writeString(dir.resolve("one-more"), "fits");
                return true;
            } catch (IOException stillFull) {
                return false;
            }
        }, Duration.ofSeconds(10));
        assertEquals("fits", Files.readString(TWO_HOSTS.exportDir().resolve("open-files/one-more")));
    }

    @Test
    void aMountBeyondTheConnectionLimitIsRefusedWithTheReason() throws IOException {
        Path second = TWO_HOSTS.scratch().newDirectory("second-mnt");
        CommandResult refused = Command.of(TWO_HOSTS.network().onClient(QtfsFixture.java("qtfs.cli.QtfsMain", "mount", "-f", "-o",
                "server=" + TWO_HOSTS.serverAddress() + ",cert=" + TWO_HOSTS.credential() + ",conns=2",
                TWO_HOSTS.exportDir().toString(), second.toString()))).timeout(Duration.ofSeconds(60)).run();
        assertEquals(1, refused.exitCode(), refused.describe());
        assertTrue(refused.stderr().contains("too many connections (the limit is 3)"), refused.describe());
        assertTrue(TWO_HOSTS.server().log().contains("too many connections (the limit is 3)"), TWO_HOSTS.diagnostics());
        Files.writeString(TWO_HOSTS.mountPoint().resolve("still-served"), "yes");
        assertEquals("yes", Files.readString(TWO_HOSTS.exportDir().resolve("still-served")));
    }
}
