package qtfs.e2e;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import qtfs.e2e.harness.MountedFileSystem;
import qtfs.e2e.probe.BehaviourComparison;
import qtfs.e2e.probe.ProbeResult;
import qtfs.e2e.probe.ProbeScripts;
import qtfs.e2e.probe.ScenarioRun;

/**
 * POSIX behaviour by comparison: every probe scenario runs once in a local directory (on the
 * same file system as the export) and once on the mount, as root and as the unprivileged users
 * it names; the printed lines must be identical.
 */
abstract class ConformanceSuite {

    protected abstract MountedFileSystem fileSystem();

    static Stream<ScenarioRun> runs() {
        return ProbeScripts.standaloneRuns().stream();
    }

    /** Runs the scenario on the local directory and on the mount. */
    protected BehaviourComparison compare(ScenarioRun run) {
        MountedFileSystem fs = fileSystem();
        ProbeScripts probes = ProbeScripts.installIn(fs.localDir().getParent());
        ProbeResult local = probes.run(run, fs.localDir());
        ProbeResult mounted = probes.run(run, fs.mountPoint());
        return new BehaviourComparison("probe " + run, "local", local, fs.name(), mounted);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("qtfs.e2e.ConformanceSuite#runs")
    void behavesLikeALocalDirectory(ScenarioRun run) {
        compare(run).assertSame();
    }
}
