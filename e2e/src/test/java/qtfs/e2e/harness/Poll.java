package qtfs.e2e.harness;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a condition that another process makes true, with a bound. */
public final class Poll {
    private static final Duration INTERVAL = Duration.ofMillis(20);

    private Poll() {
    }

    /**
     * Polls until the condition holds or giveUpAfter passes; returns how long it took, or null if
     * it never held. Exceptions from the condition count as "not yet".
     */
    public static Duration until(BooleanSupplier condition, Duration giveUpAfter) {
        long start = System.nanoTime();
        while (true) {
            boolean holds;
            try {
                holds = condition.getAsBoolean();
            } catch (RuntimeException e) {
                holds = false;
            }
            long elapsed = System.nanoTime() - start;
            if (holds) {
                return Duration.ofNanos(elapsed);
            }
            if (elapsed > giveUpAfter.toNanos()) {
                return null;
            }
            DaemonProcess.sleep(INTERVAL);
        }
    }
}
