package qtfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import qtfs.e2e.harness.BindfsFixture;
import qtfs.e2e.harness.DaemonProcess;
import qtfs.e2e.harness.FailureDiagnostics;
import qtfs.e2e.harness.MountFixture;
import qtfs.e2e.harness.MountTable;
import qtfs.e2e.harness.QtfsFixture;

/**
 * The fixtures themselves: they mount for real, attach the daemons' logs to failures, and leave
 * no mount, process or directory behind, also when a test fails.
 */
class MountFixtureTest {

    @Test
    void bindfsFixtureMountsAndCleansUp() throws Throwable {
        BindfsFixture fixture = new BindfsFixture();
        checkLifeCycle(fixture);
    }

    @Test
    void qtfsFixtureRunsRealProcessesAndCleansUp() throws Throwable {
        QtfsFixture fixture = QtfsFixture.singleExport();
        DaemonProcess[] daemons = checkLifeCycle(fixture);
        assertEquals(2, daemons.length, "qtfsd and one qtfs mount process");
    }

    private static DaemonProcess[] checkLifeCycle(MountFixture fixture) throws Throwable {
        Path scratch;
        Path mountPoint;
        List<DaemonProcess> daemons;
        try {
            fixture.start();
            scratch = fixture.scratch().path();
            mountPoint = fixture.mountPoint();
            MountTable.Entry entry = MountTable.find(mountPoint).orElseThrow();
            assertTrue(entry.fsType().startsWith("fuse"), "file system type " + entry.fsType());
            Files.writeString(mountPoint.resolve("hello"), "through the mount");
            assertEquals("through the mount", Files.readString(fixture.exportDir().resolve("hello")));
            daemons = daemonsOf(fixture);
            assertTrue(daemons.stream().allMatch(DaemonProcess::isAlive));

            AssertionError failure = new AssertionError("a failing test");
            Throwable reported = assertThrows(AssertionError.class, () -> fixture.handleTestExecutionException(null, failure));
            assertSame(failure, reported);
            assertTrue(reported.getSuppressed()[0] instanceof FailureDiagnostics);
            assertTrue(reported.getSuppressed()[0].getMessage().contains(daemons.getFirst().name()),
                    reported.getSuppressed()[0].getMessage());
        } finally {
            fixture.close();
        }
        assertFalse(MountTable.isMountPoint(mountPoint), "still mounted: " + mountPoint);
        assertTrue(daemons.stream().noneMatch(DaemonProcess::isAlive), "a daemon survived teardown");
        assertFalse(Files.exists(scratch), "scratch directory left: " + scratch);
        assertEquals(List.of(), fixture.teardownProblems());
        return daemons.toArray(DaemonProcess[]::new);
    }

    private static List<DaemonProcess> daemonsOf(MountFixture fixture) {
        return fixture instanceof QtfsFixture qtfs ? List.of(qtfs.server(), qtfs.mount(0).client())
                : List.of(((BindfsFixture) fixture).daemon());
    }

    @Test
    void aFixtureThatCannotMountReportsWhyAndLeavesNothing() throws IOException {
        BindfsFixture fixture = new BindfsFixture("no-such-option-for-bindfs");
        AssertionError error = assertThrows(AssertionError.class, fixture::start);
        assertTrue(error.getMessage().contains("bindfs exited with code"), error.getMessage());
        assertTrue(error.getMessage().contains("no-such-option-for-bindfs"), error.getMessage());
        assertEquals(List.of(), MountTable.mountPointsUnder(Path.of("/tmp")).stream()
                .filter(p -> p.toString().startsWith("/tmp/qtfs-e2e-bindfs-")).toList());
    }
}
