package qtfs.cli;

/** Run in a child JVM by {@link DaemonLoggingTest}: logs from a shutdown hook, as a daemon stopping does. */
public final class ShutdownLoggingProbe {
    private ShutdownLoggingProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        DaemonLogging.prepare();
        DaemonLogging.install("probe", LogLevel.INFO, System.err);
        System.Logger log = System.getLogger(ShutdownLoggingProbe.class.getName());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Thread.sleep(300); // let the JDK's own logging cleanup run first, as it may
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            log.log(System.Logger.Level.INFO, "logged from a shutdown hook");
        }));
        log.log(System.Logger.Level.INFO, "started");
        System.exit(0);
    }
}
