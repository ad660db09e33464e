package qtfs.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import qtfs.e2e.harness.Command;
import qtfs.e2e.harness.HostTool;
import qtfs.e2e.harness.LastResortCleanup;
import qtfs.e2e.harness.MountTable;
import qtfs.e2e.harness.QtfsFixture;
import qtfs.e2e.harness.UnixUser;
import qtfs.e2e.probe.BehaviourComparison;
import qtfs.e2e.probe.ProbeScripts;
import qtfs.e2e.probe.ScenarioRun;

/**
 * Two exports of one qtfsd, each on its own mount: rename and link between them fail with EXDEV,
 * exactly as between a local directory and a bind mount of another one.
 */
class QtfsCrossExportTest {
    @RegisterExtension
    static final QtfsFixture QTFS = QtfsFixture.exports(2);

    private static Path localOther;

    @BeforeAll
    static void bindMountASecondLocalDirectory() {
        Path source = QTFS.scratch().newDirectory("local-other-source");
        localOther = QTFS.scratch().newDirectory("local-other");
        LastResortCleanup.register(localOther);
        Command.of(HostTool.MOUNT.path(), "--bind", source.toString(), localOther.toString())
                .timeout(Duration.ofSeconds(30)).runOk();
    }

    @AfterAll
    static void unmountTheSecondLocalDirectory() {
        MountTable.unmountLazily(localOther);
        LastResortCleanup.unregister(localOther);
    }

    static Stream<ScenarioRun> runs() {
        return ProbeScripts.scenario("exdev").users().stream().map(u -> new ScenarioRun(ProbeScripts.scenario("exdev"), u));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void renameAndLinkBetweenExportsFailWithExdev(ScenarioRun run) throws IOException {
        ProbeScripts probes = ProbeScripts.installIn(QTFS.scratch().path());
        UnixUser user = run.user();
        Path local = withOther(run.prepareDirectory(QTFS.localDir()), run.prepareDirectory(localOther));
        Path mounted = withOther(run.prepareDirectory(QTFS.mount(0).mountPoint()),
                run.prepareDirectory(QTFS.mount(1).mountPoint()));
        new BehaviourComparison("probe " + run, "local", probes.run(run.scenario(), local, user), "qtfs",
                probes.run(run.scenario(), mounted, user)).assertSame();
    }

    /** The scenario reaches the other mount through a symlink named "other" in its directory. */
    private static Path withOther(Path dir, Path other) throws IOException {
        Files.createSymbolicLink(dir.resolve("other"), other);
        return dir;
    }
}
