package qtfs.e2e.harness;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Ending a process together with everything it started. */
public final class ProcessTree {
    private ProcessTree() {
    }

    /** SIGKILLs the process and its descendants; returns whether all of them are gone within the grace time. */
    public static boolean kill(ProcessHandle root, Duration grace) {
        List<ProcessHandle> all = new java.util.ArrayList<>(root.descendants().toList());
        all.add(root);
        all.forEach(ProcessHandle::destroyForcibly);
        return awaitExit(all, grace);
    }

    /** The pid of this JVM's child process whose command line contains {@code text}. */
    public static long childRunning(String text) {
        return ProcessHandle.current().children()
                .filter(p -> p.info().commandLine().orElse("").contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no child process running " + text)).pid();
    }

    /** Sends SIGTERM and waits up to grace; returns whether it exited. */
    public static boolean terminate(ProcessHandle process, Duration grace) {
        process.destroy();
        return awaitExit(List.of(process), grace);
    }

    private static boolean awaitExit(List<ProcessHandle> processes, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle p : processes) {
            long left = deadline - System.nanoTime();
            try {
                p.onExit().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return false;
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
