package qtfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import qtfs.sys.MountCalls;

class MountFlagOptionsTest {
    @Test
    void genericOptionsAreFlagsTheRestIsData() {
        MountFlagOptions o = MountFlagOptions.parse(List.of("ro,nosuid,size=8m", "mode=0755,relatime,noexec"));
        assertEquals(MountCalls.MS_RDONLY | MountCalls.MS_NOSUID | MountCalls.MS_RELATIME | MountCalls.MS_NOEXEC, o.flags());
        assertEquals("size=8m,mode=0755", o.data());
    }

    @Test
    void laterOptionsWin() {
        MountFlagOptions o = MountFlagOptions.parse(List.of("ro,noexec,defaults", "rw,exec"));
        assertEquals(0, o.flags());
        assertEquals("", o.data());
    }

    @Test
    void bindAndRemountBecomeFlagsForTheServerToRefuse() {
        assertEquals(MountCalls.MS_BIND | MountCalls.MS_REC, MountFlagOptions.parse(List.of("rbind")).flags());
        assertEquals(MountCalls.MS_REMOUNT, MountFlagOptions.parse(List.of("remount")).flags());
    }
}
