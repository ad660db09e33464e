package qtfs.e2e.probe;

import java.util.List;
import qtfs.e2e.harness.UnixUser;

/**
 * A probe script under probes/scenarios: the users it is meant to run as (its "# users:" line)
 * and what its directory must offer beyond an empty directory (its "# needs:" line, e.g.
 * "other-export": a symlink named "other" to a directory on another mount).
 */
public record Scenario(String name, String fileName, String summary, List<UnixUser> users, List<String> needs) {

    /** Whether the scenario runs in a plain empty directory. */
    public boolean standalone() {
        return needs.isEmpty();
    }
}
