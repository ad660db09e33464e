package qtfs.e2e.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import qtfs.e2e.harness.Command;
import qtfs.e2e.harness.CommandResult;
import qtfs.e2e.harness.HostTool;
import qtfs.e2e.harness.UnixUser;

/**
 * The python probes (test resources under probes/): listing the scenarios, and running one in a
 * directory as a user. The scripts are copied to a place every test user can read before use.
 */
public final class ProbeScripts {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(90);
    private static final String USERS_LINE = "# users:";
    private static final String NEEDS_LINE = "# needs:";

    private final Path installed;

    private ProbeScripts(Path installed) {
        this.installed = installed;
    }

    /** Every scenario in the test resources, sorted by name. */
    public static List<Scenario> scenarios() {
        try (Stream<Path> files = Files.list(resourceDir().resolve("scenarios"))) {
            return files.filter(p -> p.toString().endsWith(".py")).sorted().map(ProbeScripts::readScenario).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Scenario scenario(String name) {
        return scenarios().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no probe scenario named " + name));
    }

    /** Every (scenario, user) pair of the scenarios that run in a plain directory. */
    public static List<ScenarioRun> standaloneRuns() {
        return scenarios().stream().filter(Scenario::standalone)
                .flatMap(s -> s.users().stream().map(u -> new ScenarioRun(s, u))).toList();
    }

    private static Scenario readScenario(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            String users = lines.stream().filter(l -> l.startsWith(USERS_LINE)).findFirst()
                    .orElseThrow(() -> new IllegalStateException(file + " has no '" + USERS_LINE + "' line"));
            List<String> needs = lines.stream().filter(l -> l.startsWith(NEEDS_LINE))
                    .flatMap(l -> words(l.substring(NEEDS_LINE.length())).stream()).toList();
            String fileName = file.getFileName().toString();
            return new Scenario(fileName.substring(0, fileName.length() - 3), fileName,
                    lines.getFirst().replaceFirst("^# ?", ""),
                    words(users.substring(USERS_LINE.length())).stream().map(UnixUser::byName).toList(), needs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> words(String text) {
        return text.isBlank() ? List.of() : Arrays.asList(text.trim().split("\\s+"));
    }

    private static Path resourceDir() {
        URL url = ProbeScripts.class.getClassLoader().getResource("probes/run.py");
        if (url == null || !"file".equals(url.getProtocol())) {
            throw new IllegalStateException("the probes must be test resources on disk, found " + url);
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies the probes into target/probes (readable by all), once per target. */
    public static ProbeScripts installIn(Path target) {
        Path dir = target.resolve("probes");
        if (Files.isDirectory(dir)) {
            return new ProbeScripts(dir);
        }
        Path source = resourceDir();
        try (Stream<Path> tree = Files.walk(source)) {
            for (Path from : tree.toList()) {
                Path to = dir.resolve(source.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
            return new ProbeScripts(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not install the probes in " + dir, e);
        }
    }

    /** A helper program from probes/tools. */
    public Path tool(String name) {
        return installed.resolve("tools").resolve(name);
    }

    /** Runs the scenario with the directory as its working directory. */
    public ProbeResult run(Scenario scenario, Path directory, UnixUser user) {
        CommandResult result = Command.of(HostTool.PYTHON3.path(), "-B", "-E", "-s", installed.resolve("run.py").toString(),
                        installed.resolve("scenarios").resolve(scenario.fileName()).toString())
                .in(directory).as(user).timeout(PROBE_TIMEOUT).run();
        return new ProbeResult(directory, result.stdout().lines().toList(), result.stderr(), result.exitCode());
    }

    /** Runs the scenario in a fresh directory under parent prepared for the run's user. */
    public ProbeResult run(ScenarioRun run, Path parent) {
        return run(run.scenario(), run.prepareDirectory(parent), run.user());
    }
}
