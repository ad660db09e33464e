package qtfs.fuse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.FileIo;
import qtfs.sys.MountCalls;
import qtfs.sys.OpenFlags;
import qtfs.sys.UserIds;

/** Mounts with mount(2) on a /dev/fuse descriptor we open ourselves; needs CAP_SYS_ADMIN. */
final class KernelMount implements MountMethod {
    static final String FUSE_DEVICE = "/dev/fuse";

    private final String devicePath;

    KernelMount() {
        this(FUSE_DEVICE);
    }

    /** {@code devicePath} is /dev/fuse except in tests of what happens when it is missing. */
    KernelMount(String devicePath) {
        this.devicePath = devicePath;
    }

    @Override
    public int mount(Path mountpoint, FuseMountOptions options) throws FuseMountException {
        int fd;
        try {
            fd = FileIo.open(devicePath, OpenFlags.O_RDWR | OpenFlags.O_CLOEXEC, 0);
        } catch (ErrnoException e) {
            String hint = e.is(Errno.ENOENT) || e.is(Errno.ENODEV) || e.is(Errno.ENXIO)
                    ? "; is the fuse kernel module loaded (modprobe fuse)?" : "";
            throw new FuseMountException("cannot mount on " + mountpoint + ": cannot open the FUSE device: "
                    + e.getMessage() + hint, e);
        }
        List<String> data = new ArrayList<>(List.of("fd=" + fd, "rootmode=40000",
                "user_id=" + Integer.toUnsignedString(UserIds.uid()), "group_id=" + Integer.toUnsignedString(UserIds.gid())));
        data.addAll(MountMethod.commonOptions(options));
        long flags = MountCalls.MS_NOSUID | MountCalls.MS_NODEV | (options.readOnly() ? MountCalls.MS_RDONLY : 0);
        try {
            MountCalls.mount(options.source(), mountpoint.toString(), "fuse." + options.subtype(), flags,
                    String.join(",", data));
            return fd;
        } catch (ErrnoException e) {
            FileIo.closeQuietly(fd);
            throw new FuseMountException(explain(mountpoint, e), e);
        }
    }

    private static String explain(Path mountpoint, ErrnoException e) {
        return switch (e.errno()) {
            case Errno.EBUSY -> "mountpoint " + mountpoint + " is busy (mount(2) returned EBUSY): something is mounted"
                    + " there or it is in use in a way that forbids mounting";
            case Errno.EPERM -> "cannot mount on " + mountpoint + ": permission denied; mounting with mount(2) needs"
                    + " CAP_SYS_ADMIN (run as root, or as a user with fusermount3 installed)";
            case Errno.ENODEV -> "cannot mount on " + mountpoint + ": the kernel has no fuse file system type;"
                    + " load the fuse module (modprobe fuse)";
            default -> "cannot mount on " + mountpoint + ": " + e.getMessage();
        };
    }

    @Override
    public void unmountLazily(String mountpoint) throws ErrnoException {
        MountCalls.umount2(mountpoint, MountCalls.MNT_DETACH);
    }
}
