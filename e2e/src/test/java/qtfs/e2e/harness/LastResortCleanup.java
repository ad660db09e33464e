package qtfs.e2e.harness;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What must not outlive the test JVM even if a fixture's teardown never runs (a crash, a kill of
 * the surefire fork): processes still registered are killed and mount points still registered
 * are lazily unmounted, then scratch directories removed, by a shutdown hook.
 */
public final class LastResortCleanup {
    private static final Set<DaemonProcess> PROCESSES = ConcurrentHashMap.newKeySet();
    private static final Set<Path> MOUNT_POINTS = ConcurrentHashMap.newKeySet();
    private static final Set<ScratchDir> SCRATCH_DIRS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LastResortCleanup::runNow, "qtfs-e2e-last-resort-cleanup"));
    }

    private LastResortCleanup() {
    }

    public static void register(DaemonProcess process) {
        PROCESSES.add(process);
    }

    public static void unregister(DaemonProcess process) {
        PROCESSES.remove(process);
    }

    public static void register(Path mountPoint) {
        MOUNT_POINTS.add(mountPoint);
    }

    public static void unregister(Path mountPoint) {
        MOUNT_POINTS.remove(mountPoint);
    }

    public static void register(ScratchDir scratch) {
        SCRATCH_DIRS.add(scratch);
    }

    public static void unregister(ScratchDir scratch) {
        SCRATCH_DIRS.remove(scratch);
    }

    private static void runNow() {
        for (Path mountPoint : MOUNT_POINTS) {
            try {
                new ProcessBuilder("/usr/bin/umount", "-l", mountPoint.toString()).inheritIO().start().waitFor();
            } catch (Exception e) {
                System.err.println("could not unmount " + mountPoint + ": " + e);
            }
        }
        for (DaemonProcess process : PROCESSES) {
            process.kill();
        }
        for (ScratchDir scratch : SCRATCH_DIRS) {
            try {
                scratch.close();
            } catch (RuntimeException | AssertionError e) {
                System.err.println(e.getMessage());
            }
        }
    }
}
