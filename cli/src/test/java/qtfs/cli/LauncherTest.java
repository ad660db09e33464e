package qtfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bash launchers in bin/: they find a Java 25, build the class path from build/lib of
 * the checkout they really live in (through symlinks), and pass the arguments unchanged.
 * Runs copies of the real scripts against fake JDKs whose java prints its arguments.
 */
class LauncherTest {
    static final Path BIN = Path.of("..", "bin").toAbsolutePath().normalize();

    @TempDir
    Path tmp;
    Path root;
    Path jvmDir;
    Path tools;

    @BeforeEach
    void layOutACheckout() throws IOException {
        root = tmp.resolve("checkout");
        Files.createDirectories(root.resolve("bin/lib"));
        for (String script : List.of("qtfsd", "qtfs", "mount.qtfs", "lib/launch.sh")) {
            Files.copy(BIN.resolve(script), root.resolve("bin").resolve(script));
        }
        Files.createDirectories(root.resolve("build/lib"));
        Files.writeString(root.resolve("build/lib/qtfs-cli.jar"), "");
        jvmDir = Files.createDirectories(tmp.resolve("jvm"));
        // PATH holds only the tools the launchers use, so that no java of this machine is found by accident
        tools = Files.createDirectories(tmp.resolve("tools"));
        for (String tool : List.of("bash", "sed", "readlink", "dirname", "ln", "rm")) {
            Path real = Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, tool)).filter(Files::isExecutable)
                    .findFirst().orElseThrow();
            Path wrapper = tools.resolve(tool);
            Files.writeString(wrapper, "#!/bin/sh\nexec " + real + " \"$@\"\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** A fake JDK whose release file says {@code version} and whose java echoes its arguments. */
    Path fakeJdk(Path home, String version) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho \"java=$0\"\nfor a in \"$@\"; do echo \"arg=$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    record Result(int status, String out) {
        List<String> args() {
            return out.lines().filter(l -> l.startsWith("arg=")).map(l -> l.substring(4)).toList();
        }

        String java() {
            return out.lines().filter(l -> l.startsWith("java=")).findFirst().orElse("(none)").substring(5);
        }
    }

    Result run(Path launcher, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", tools.toString());
        pb.environment().put("QTFS_JVM_DIR", jvmDir.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    @Test
    void qtfsJavaIsUsedAsGivenWithNativeAccessAndTheBuiltClassPath() throws Exception {
        Path jdk = fakeJdk(tmp.resolve("my-jdk"), "25.0.1");
        Result r = run(root.resolve("bin/qtfs"), Map.of("QTFS_JAVA", jdk.resolve("bin/java").toString()),
                "mount", "-o", "server=unix:/a b", "/srv", "/mnt");
        assertEquals(0, r.status(), r.out());
        assertEquals(jdk.resolve("bin/java").toString(), r.java());
        assertEquals(List.of("--enable-native-access=ALL-UNNAMED", "-cp", root.toRealPath() + "/build/lib/*",
                "qtfs.cli.QtfsMain", "mount", "-o", "server=unix:/a b", "/srv", "/mnt"), r.args());
        // a JDK directory works as well
        assertEquals(jdk.resolve("bin/java").toString(),
                run(root.resolve("bin/qtfsd"), Map.of("QTFS_JAVA", jdk.toString())).java());
    }

    @Test
    void eachLauncherRunsItsMainClass() throws Exception {
        Path jdk = fakeJdk(tmp.resolve("my-jdk"), "25");
        Map<String, String> env = Map.of("QTFS_JAVA", jdk.toString(), "QTFS_JAVA_OPTS", "-Xmx64m -Dx=1");
        assertEquals(List.of("--enable-native-access=ALL-UNNAMED", "-Xmx64m", "-Dx=1", "-cp",
                root.toRealPath() + "/build/lib/*", "qtfs.cli.QtfsdMain", "--help"),
                run(root.resolve("bin/qtfsd"), env, "--help").args());
        assertTrue(run(root.resolve("bin/mount.qtfs"), env).args().contains("qtfs.cli.MountQtfsMain"));
        assertTrue(run(root.resolve("bin/qtfs"), env).args().contains("qtfs.cli.QtfsMain"));
    }

    @Test
    void qtfsJavaThatIsTooOldIsAnError() throws Exception {
        Path old = fakeJdk(tmp.resolve("old"), "17.0.15");
        fakeJdk(jvmDir.resolve("temurin-25-jdk-amd64"), "25.0.1");
        Result r = run(root.resolve("bin/qtfs"), Map.of("QTFS_JAVA", old.toString()));
        assertEquals(1, r.status());
        assertEquals("qtfs: QTFS_JAVA=" + old + " is Java 17; qtfs needs Java 25 or newer\n", r.out());
        r = run(root.resolve("bin/qtfs"), Map.of("QTFS_JAVA", tmp.resolve("nothing").toString()));
        assertEquals(1, r.status());
        assertEquals("qtfs: QTFS_JAVA=" + tmp.resolve("nothing") + " is not a java binary or a JDK directory\n",
                r.out());
    }

    @Test
    void javaHomeIsUsedWhenItIs25OrNewer() throws Exception {
        Path home = fakeJdk(tmp.resolve("home26"), "26");
        fakeJdk(jvmDir.resolve("temurin-25-jdk-amd64"), "25.0.1");
        assertEquals(home.resolve("bin/java").toString(),
                run(root.resolve("bin/qtfs"), Map.of("JAVA_HOME", home.toString())).java());
    }

    @Test
    void anOldJavaHomeIsSkippedForAnInstalledTemurin25() throws Exception {
        Path home = fakeJdk(tmp.resolve("home17"), "17.0.15");
        fakeJdk(jvmDir.resolve("aaa-java-21"), "21");
        Path temurin = fakeJdk(jvmDir.resolve("temurin-25-jdk-amd64"), "25.0.1");
        fakeJdk(jvmDir.resolve("other-25"), "25");
        Result r = run(root.resolve("bin/qtfs"), Map.of("JAVA_HOME", home.toString()));
        assertEquals(0, r.status(), r.out());
        assertEquals(temurin.resolve("bin/java").toString(), r.java());
    }

    @Test
    void anyJdk25IsFoundWhenThereIsNoTemurin() throws Exception {
        fakeJdk(jvmDir.resolve("java-17-openjdk-amd64"), "17");
        Path jdk = fakeJdk(jvmDir.resolve("java-25-openjdk-amd64"), "25");
        assertEquals(jdk.resolve("bin/java").toString(), run(root.resolve("bin/qtfs"), Map.of()).java());
    }

    @Test
    void noJava25IsAnErrorThatSaysWhatWasTried() throws Exception {
        Path home = fakeJdk(tmp.resolve("home17"), "17.0.15");
        fakeJdk(jvmDir.resolve("java-17-openjdk-amd64"), "17.0.15");
        Result r = run(root.resolve("bin/mount.qtfs"), Map.of("JAVA_HOME", home.toString()));
        assertEquals(1, r.status(), r.out());
        assertTrue(r.out().startsWith("mount.qtfs: no Java 25 or newer found. Tried:\n"), r.out());
        assertTrue(r.out().contains("  QTFS_JAVA (not set)\n"), r.out());
        assertTrue(r.out().contains("  JAVA_HOME=" + home + " (Java 17)\n"), r.out());
        assertTrue(r.out().contains("  " + jvmDir.resolve("java-17-openjdk-amd64") + " (Java 17)\n"), r.out());
        assertTrue(r.out().contains("  java on PATH (none)\n"), r.out());
        assertTrue(r.out().endsWith("Install a Java 25 runtime or set QTFS_JAVA to its java binary.\n"), r.out());
    }

    @Test
    void aSymlinkedLauncherUsesTheCheckoutItPointsTo() throws Exception {
        Path jdk = fakeJdk(tmp.resolve("my-jdk"), "25");
        Path sbin = Files.createDirectories(tmp.resolve("sbin"));
        Files.createSymbolicLink(sbin.resolve("mount.qtfs"), root.resolve("bin/mount.qtfs"));
        Result r = run(sbin.resolve("mount.qtfs"), Map.of("QTFS_JAVA", jdk.toString()), "/srv", "/mnt", "-o", "x");
        assertEquals(0, r.status(), r.out());
        assertEquals(List.of("--enable-native-access=ALL-UNNAMED", "-cp", root.toRealPath() + "/build/lib/*",
                "qtfs.cli.MountQtfsMain", "/srv", "/mnt", "-o", "x"), r.args());
    }

    @Test
    void anUnbuiltCheckoutSaysHowToBuild() throws Exception {
        Files.delete(root.resolve("build/lib/qtfs-cli.jar"));
        Result r = run(root.resolve("bin/qtfsd"), Map.of());
        assertEquals(1, r.status());
        assertEquals("qtfsd: qtfs is not built: no jars in " + root.toRealPath() + "/build/lib. Build it with: (cd "
                + root.toRealPath() + " && ./mvnw -q package -DskipTests)\n", r.out());
    }

    @Test
    void installMountHelperLinksAndUnlinks() throws Exception {
        Files.copy(BIN.resolve("install-mount-helper"), root.resolve("bin/install-mount-helper"));
        Path sbin = Files.createDirectories(tmp.resolve("sbin"));
        Result r = run(root.resolve("bin/install-mount-helper"), Map.of(), sbin.toString());
        assertEquals(0, r.status(), r.out());
        assertEquals(root.resolve("bin/mount.qtfs").toRealPath(), sbin.resolve("mount.qtfs").toRealPath());
        r = run(root.resolve("bin/install-mount-helper"), Map.of(), "--remove", sbin.toString());
        assertEquals(0, r.status(), r.out());
        assertTrue(Files.notExists(sbin.resolve("mount.qtfs"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        Files.writeString(sbin.resolve("mount.qtfs"), "someone else's");
        r = run(root.resolve("bin/install-mount-helper"), Map.of(), sbin.toString());
        assertEquals(1, r.status());
        assertTrue(r.out().contains("exists and is not a symlink"), r.out());
    }
}
