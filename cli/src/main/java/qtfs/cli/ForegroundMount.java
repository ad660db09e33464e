package qtfs.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import qtfs.client.ClientOptions;
import qtfs.client.MountClient;
import qtfs.client.MountException;

/**
 * The mount daemon in the foreground: mounts, prints {@code qtfs: mounted PATH on DIR},
 * serves until the mount goes away, and unmounts on SIGTERM/SIGINT.
 */
public final class ForegroundMount {
    private static final String PROGRAM = "qtfs";
    /** How long a signal waits for a mount attempt to give up after being interrupted. */
    static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(15);

    private ForegroundMount() {
    }

    /** The line that tells a waiting parent (see {@link BackgroundMount}) that the mount is live. */
    static String readyLine(ClientOptions options) {
        return PROGRAM + ": mounted " + options.serverPath() + " on " + options.mountpoint();
    }

    public static int run(MountSettings settings, PrintStream out, PrintStream err) {
        DaemonLogging.install(PROGRAM, settings.logLevel(), err);
        ClientOptions options = settings.client();
        // held while mounting, so that a signal arriving then cancels the attempt (the mount
        // gives up when interrupted) and unmounts whatever was already mounted
        ReentrantLock mounting = new ReentrantLock();
        MountClient[] client = new MountClient[1];
        Thread mounter = Thread.currentThread();
        Thread hook = new Thread(() -> {
            try {
                if (!mounting.tryLock()) {
                    mounter.interrupt();
                    if (!mounting.tryLock(CANCEL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) return;
                }
            } catch (InterruptedException e) {
                return;
            }
            try {
                if (client[0] != null) client[0].close();
            } finally {
                mounting.unlock();
            }
        }, "qtfs-unmount");
        mounting.lock();
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            client[0] = MountClient.mount(options);
        } catch (MountException e) {
            err.println(PROGRAM + ": " + e.getMessage());
            return ExitStatus.FAILURE;
        } finally {
            mounting.unlock();
        }
        out.println(readyLine(options));
        out.flush();
        try {
            client[0].awaitUnmount();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client[0].close();
        return ExitStatus.OK;
    }
}
