package qtfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import qtfs.e2e.harness.ScratchDir;
import qtfs.e2e.probe.BehaviourComparison;
import qtfs.e2e.probe.ProbeResult;
import qtfs.e2e.probe.ProbeScripts;
import qtfs.e2e.probe.ScenarioRun;

/**
 * The probes themselves: each completes on a local directory and prints exactly the same lines
 * when run again in another local directory, so that any difference on a mount comes from the
 * mount and not from something run-specific (inode numbers, paths, clock times) in the output.
 */
class ProbeSelfTest {
    private static ScratchDir scratch;
    private static ProbeScripts probes;

    @BeforeAll
    static void install() {
        scratch = ScratchDir.create("qtfs-e2e-probes-");
        probes = ProbeScripts.installIn(scratch.path());
    }

    @AfterAll
    static void remove() {
        scratch.close();
    }

    static Stream<ScenarioRun> runs() {
        return ProbeScripts.standaloneRuns().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void printsTheSameLinesInAnyLocalDirectory(ScenarioRun run) {
        ProbeResult first = probes.run(run, scratch.newDirectory("first"));
        ProbeResult second = probes.run(run, scratch.newDirectory("second"));
        new BehaviourComparison(run.toString(), "local", first, "another local dir", second).assertSame();
        assertFalse(first.lines().isEmpty(), run + " printed nothing");
    }

    @Test
    void everyScenarioSaysWhatItTestsAndWhoRunsIt() {
        List<String> incomplete = ProbeScripts.scenarios().stream()
                .filter(s -> s.users().isEmpty() || s.summary().isBlank() || s.summary().startsWith("users:"))
                .map(s -> s.name()).toList();
        assertEquals(List.of(), incomplete, "scenarios without a summary line or a '# users:' line");
    }
}
