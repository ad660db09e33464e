package qtfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import qtfs.e2e.harness.Poll;
import qtfs.e2e.harness.QtfsFixture;
import qtfs.e2e.harness.ScratchDir;

/**
 * With names and attributes cached for 60 s, a change made on the server, or through another
 * client mount of the same export, shows on the client within a second: qtfsd tells the
 * client what to forget.
 */
class QtfsCoherenceTest {
    private static final Duration CACHE = Duration.ofSeconds(60);
    private static final Duration BOUND = Duration.ofSeconds(1);
    private static final Duration GIVE_UP = Duration.ofSeconds(15);
    private static final AtomicInteger UNIQUE = new AtomicInteger();

    @RegisterExtension
    static final QtfsFixture QTFS = QtfsFixture.sharedExport(2, CACHE);

    /** A new directory: [0] through mount 0, [1] on the server, [2] through mount 1. */
    private static Path[] sharedDirectory(String name) {
        String unique = name + "-" + UNIQUE.incrementAndGet();
        Path client = ScratchDir.makeDirectory(QTFS.mount(0).mountPoint().resolve(unique));
        return new Path[] {client, QTFS.exportDir().resolve(unique), QTFS.mount(1).mountPoint().resolve(unique)};
    }

    private static void assertSeenWithinBound(String what, Path client, SharingSuite.IoCondition seen) {
        Duration took = Poll.until(() -> {
            try {
                return seen.holds(client);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, GIVE_UP);
        if (took == null) {
            throw new AssertionError("the client never saw " + what + " within " + GIVE_UP.toSeconds() + " s (caches of "
                    + CACHE.toSeconds() + " s)\n" + QTFS.diagnostics());
        }
        assertTrue(took.compareTo(BOUND) <= 0, "the client saw " + what + " after " + took.toMillis() + " ms, later than "
                + BOUND.toMillis() + " ms");
    }

    static Stream<SharingSuite.ServerChange> serverChanges() {
        return SharingSuite.serverChanges();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverChanges")
    void aChangeMadeOnTheServerShowsWithinASecond(SharingSuite.ServerChange change) throws IOException {
        changeAndWatch(change, "the server's change", 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverChanges")
    void aChangeMadeThroughAnotherMountShowsWithinASecond(SharingSuite.ServerChange change) throws IOException {
        changeAndWatch(change, "the other mount's change", 2);
    }

    /** Makes {@code change} through side {@code by} of a shared directory and waits for mount 0 to see it. */
    private static void changeAndWatch(SharingSuite.ServerChange change, String what, int by) throws IOException {
        Path[] dir = sharedDirectory("change");
        change.prepare().run(dir[0], dir[by]);
        change.change().run(dir[0], dir[by]);
        assertSeenWithinBound(what + " (" + change + ")", dir[0], change.seen());
    }

    @Test
    void listingsFollowFilesCreatedAndDeletedOnTheServer() throws IOException {
        Path[] dir = sharedDirectory("listing");
        Files.writeString(dir[1].resolve("kept"), "x");
        Files.writeString(dir[1].resolve("doomed"), "x");
        assertEquals(List.of("doomed", "kept"), list(dir[0]));
        Files.delete(dir[1].resolve("doomed"));
        Files.writeString(dir[1].resolve("fresh"), "x");
        assertSeenWithinBound("a listing without doomed and with fresh", dir[0],
                c -> list(c).equals(List.of("fresh", "kept")));
        assertSeenWithinBound("the directory's new link count and time", dir[0],
                c -> Files.getLastModifiedTime(c).equals(Files.getLastModifiedTime(dir[1])));
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
