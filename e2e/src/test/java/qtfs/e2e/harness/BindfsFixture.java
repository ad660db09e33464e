package qtfs.e2e.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A bindfs mount of a local directory: a FUSE file system with known differences from a local
 * one, used to check that the probes run on FUSE mounts and do detect such differences.
 */
public final class BindfsFixture extends MountFixture {
    private Path source;
    private Path mountPoint;

    @Override
    public String name() {
        return "bindfs";
    }

    @Override
    protected void startIn(ScratchDir scratch) {
        source = scratch.newDirectory("source");
        mountPoint = scratch.newDirectory("mnt");
        DaemonProcess bindfs = startDaemon("bindfs", List.of(HostTool.BINDFS.path(), "-f", "-o", "allow_other,dev,suid",
                source.toString(), mountPoint.toString()));
        awaitMount(bindfs, mountPoint);
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
