package qtfs.sys;

import java.util.Arrays;

/** Waits until a thread has entered a given method, so that a test closes under a blocked call and not before it. */
final class Blocked {
    private Blocked() {}

    static void awaitInside(Thread thread, Class<?> type, String method) throws InterruptedException {
        while (Arrays.stream(thread.getStackTrace())
                .noneMatch(f -> f.getClassName().equals(type.getName()) && f.getMethodName().equals(method))) {
            if (!thread.isAlive()) throw new AssertionError(thread.getName() + " ended before entering " + method);
            Thread.sleep(5);
        }
        // inside the method is not yet inside the system call: give it a moment to get there
        Thread.sleep(100);
    }
}
