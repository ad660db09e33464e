package qtfs.cli;

import java.io.PrintStream;
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

    private ForegroundMount() {
    }

    /** The line that tells a waiting parent (see {@link BackgroundMount}) that the mount is live. */
    static String readyLine(ClientOptions options) {
        return PROGRAM + ": mounted " + options.serverPath() + " on " + options.mountpoint();
    }

    public static int run(MountSettings settings, PrintStream out, PrintStream err) {
        DaemonLogging.install(PROGRAM, settings.logLevel(), err);
        ClientOptions options = settings.client();
        // held while mounting, so that a signal arriving then waits and unmounts what was just mounted
        ReentrantLock mounting = new ReentrantLock();
        MountClient[] client = new MountClient[1];
        Thread hook = new Thread(() -> {
            try {
                if (!mounting.tryLock(60, TimeUnit.SECONDS)) return;
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
