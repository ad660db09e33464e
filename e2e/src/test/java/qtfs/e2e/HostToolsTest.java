package qtfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import qtfs.e2e.harness.HostTool;

/** Every program the end-to-end tests run is installed; otherwise one message lists the packages to install. */
class HostToolsTest {

    @Test
    void everyToolTheTestsRunIsInstalled() {
        List<HostTool> missing = Arrays.stream(HostTool.values()).filter(tool -> {
            try {
                tool.path();
                return false;
            } catch (AssertionError e) {
                return true;
            }
        }).toList();
        assertEquals(List.of(), missing.stream().map(t -> t.program).toList(),
                "programs the end-to-end tests run are missing; install them with: apt-get install -y "
                        + String.join(" ", missing.stream().map(t -> t.debianPackage).distinct().toList()));
    }
}
