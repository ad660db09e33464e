package qtfs.client;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class CallerGroupsTest {

    @Test
    void readsTheGroupsLine() {
        String status = "Name:\tbash\nUid:\t1000\t1000\t1000\t1000\nGroups:\t4 24 27 1000 \nNgid:\t0\n";
        assertArrayEquals(new int[] {4, 24, 27, 1000}, CallerGroups.parseStatus(status));
        assertArrayEquals(new int[0], CallerGroups.parseStatus("Name:\tx\nGroups:\t\n"));
        assertArrayEquals(new int[0], CallerGroups.parseStatus("Name:\tx\n"));
        assertArrayEquals(new int[] {-2}, CallerGroups.parseStatus("Groups:\t4294967294\n"), "gids are unsigned 32-bit");
    }

    @Test
    void rootAndKernelRequestsCarryNoGroups() {
        CallerGroups groups = new CallerGroups();
        int self = (int) ProcessHandle.current().pid();
        assertEquals(0, groups.of(0, self).length);
        assertEquals(0, groups.of(1000, 0).length);
    }

    @Test
    void otherUsersGetTheirProcessGroups() throws Exception {
        int self = (int) ProcessHandle.current().pid();
        int[] expected = CallerGroups.parseStatus(Files.readString(Path.of("/proc/self/status")));
        assertArrayEquals(expected, new CallerGroups().of(1000, self), Arrays.toString(expected));
        assertEquals(0, new CallerGroups().of(1000, Integer.MAX_VALUE).length, "a process that is gone has none");
    }
}
