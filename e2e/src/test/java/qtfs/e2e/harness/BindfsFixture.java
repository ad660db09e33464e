package qtfs.e2e.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A bindfs mount of a local directory: a FUSE file system with known differences from a local
 * one, used to check that the probes run on FUSE mounts and do detect such differences.
 */
public final class BindfsFixture extends MountFixture {
    private final String options;
    private Path source;
    private Path mountPoint;
    private DaemonProcess daemon;

    public BindfsFixture() {
        this("allow_other,dev,suid");
    }

    /** With other -o options (bad ones make it fail to start, which the fixture tests use). */
    public BindfsFixture(String options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "bindfs";
    }

    @Override
    protected void startIn(ScratchDir scratch) {
        source = scratch.newDirectory("source");
        mountPoint = scratch.newDirectory("mnt");
        daemon = startDaemon("bindfs", List.of(HostTool.BINDFS.path(), "-f", "-o", options, source.toString(),
                mountPoint.toString()));
        awaitMount(daemon, mountPoint);
    }

    public DaemonProcess daemon() {
        return daemon;
    }

    @Override
    public Path mountPoint() {
        return mountPoint;
    }

    @Override
    public Path exportDir() {
        return source;
    }

    /** libfuse's default. */
    @Override
    public Duration attributeTimeout() {
        return Duration.ofSeconds(1);
    }
}
