package qtfs.sys;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class OpenFileLimitTest {
    @Test
    void raisesTheSoftLimitToTheMostThisProcessMayHold() throws Exception {
        OpenFileLimit.Limits before = OpenFileLimit.current();
        OpenFileLimit.Limits after = OpenFileLimit.raiseToMaximum();
        assertEquals(after, OpenFileLimit.current());
        assertEquals(after.hard(), after.soft(), "the soft limit is raised to the hard limit");
        assertTrue(after.hard() >= before.hard(), "a limit is never lowered");
        long nrOpen = Long.parseLong(Files.readString(Path.of("/proc/sys/fs/nr_open")).trim());
        // up to fs.nr_open where the process may raise its hard limit (root), else the hard limit stays
        assertTrue(after.hard() == nrOpen || after.hard() == before.hard(), "hard limit " + after.hard());
    }
}
