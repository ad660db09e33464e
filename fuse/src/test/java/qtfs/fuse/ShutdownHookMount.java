package qtfs.fuse;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A process that serves {@link HelloFileSystem} at its first argument and unmounts from a
 * shutdown hook, as the command-line programs do on SIGTERM and SIGINT.
 */
public final class ShutdownHookMount {
    private ShutdownHookMount() {}

    public static void main(String[] args) throws Exception {
        FuseSession session = FuseSession.mount(MountFixture.options(Path.of(args[0]), 2, FuseSession.DEFAULT_INIT_FLAGS),
                new HelloFileSystem());
        Runtime.getRuntime().addShutdownHook(new Thread(session::close, "unmount"));
        session.start();
        session.awaitInit(Duration.ofSeconds(60));
        System.out.println("ready");
        System.out.flush();
        session.awaitExit();
    }
}
