package qtfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import qtfs.e2e.harness.BindfsFixture;
import qtfs.e2e.harness.MountedFileSystem;
import qtfs.e2e.harness.UnixUser;
import qtfs.e2e.probe.BehaviourComparison;
import qtfs.e2e.probe.ProbeScripts;
import qtfs.e2e.probe.ScenarioRun;

/**
 * The comparison harness checked against bindfs (Debian's 1.14), a FUSE file system whose
 * differences from a local directory are known: the probes must agree with it wherever it
 * behaves like a local directory, and must catch each known difference, notably its stale link
 * counts after link/unlink/rename and its failure beyond PATH_MAX.
 */
class BindfsReferenceTest extends ConformanceSuite {
    @RegisterExtension
    static final BindfsFixture BINDFS = new BindfsFixture();

    /** Scenario -> what bindfs does differently (for the report when a difference goes missing). */
    private static final Map<String, String> KNOWN_DIFFERENCES = Map.ofEntries(
            Map.entry("nlink", "stale st_nlink after link/unlink/rename"),
            Map.entry("link", "stale st_nlink after link/unlink/rename"),
            Map.entry("deep_paths", "absolute server paths overflow PATH_MAX"),
            Map.entry("default_acl", "the caller's umask applies even under a default ACL"),
            Map.entry("fallocate", "no FALLOC_FL_PUNCH_HOLE"),
            Map.entry("seek_data_hole", "no SEEK_DATA/SEEK_HOLE"),
            Map.entry("rename_flags", "no renameat2 flags"),
            Map.entry("mkdir_rmdir", "drops the sticky bit of mkdir; removed open dirs"),
            Map.entry("mknod", "drops special mode bits of mknod"),
            Map.entry("open_create", "drops the set-user-ID bit of create"),
            Map.entry("setattr_times", "UTIME_NOW/UTIME_OMIT mishandled"),
            Map.entry("setgid_dir", "drops the set-group-ID bit of create"),
            Map.entry("suid_clear", "no fallocate"),
            Map.entry("unlink", "shows .fuse_hidden files for unlinked open files"));

    @Override
    protected MountedFileSystem fileSystem() {
        return BINDFS;
    }

    static Stream<ScenarioRun> knownDifferent() {
        return ConformanceSuite.runs().filter(run -> KNOWN_DIFFERENCES.containsKey(run.scenario().name()));
    }

    /** Where bindfs is known to agree with a local directory, the probes must agree too. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("qtfs.e2e.ConformanceSuite#runs")
    @Override
    void behavesLikeALocalDirectory(ScenarioRun run) {
        if (!KNOWN_DIFFERENCES.containsKey(run.scenario().name())) {
            super.behavesLikeALocalDirectory(run);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("knownDifferent")
    void probesCatchKnownDifference(ScenarioRun run) {
        BehaviourComparison comparison = compare(run);
        assertFalse(comparison.same(), "the probe " + run + " did not catch the known difference of bindfs: "
                + KNOWN_DIFFERENCES.get(run.scenario().name()) + "\n" + comparison.report());
    }

    @Test
    void staleLinkCountsAreTheOnlyDifferenceOfTheNlinkProbe() {
        for (UnixUser user : List.of(UnixUser.ROOT, UnixUser.NOBODY)) {
            BehaviourComparison comparison = compare(new ScenarioRun(ProbeScripts.scenario("nlink"), user));
            List<String> differences = comparison.differences();
            assertFalse(differences.isEmpty(), comparison.report());
            assertTrue(differences.stream().allMatch(line -> line.startsWith("nlink ")), comparison.report());
        }
    }

    @Test
    void everyKnownDifferenceNamesAScenario() {
        Set<String> names = Set.copyOf(ProbeScripts.scenarios().stream().map(s -> s.name()).toList());
        assertEquals(Set.of(), KNOWN_DIFFERENCES.keySet().stream().filter(n -> !names.contains(n))
                .collect(java.util.stream.Collectors.toSet()));
    }
}
