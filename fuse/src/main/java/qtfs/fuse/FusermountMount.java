package qtfs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import qtfs.sys.ErrnoException;
import qtfs.sys.FdPassing;
import qtfs.sys.FileIo;
import qtfs.sys.ProcessSpawn;

/**
 * Mounts through the setuid helper fusermount3, as an unprivileged user must: it mounts and
 * sends back the /dev/fuse descriptor over the socket named by {@code _FUSE_COMMFD}.
 */
final class FusermountMount implements MountMethod {
    static final String PROGRAM = "fusermount3";
    /** The number the socket gets in fusermount3; any free number above stderr would do. */
    private static final int CHILD_SOCKET_FD = 3;

    private final List<Path> searchPath;

    FusermountMount(List<Path> searchPath) {
        this.searchPath = List.copyOf(searchPath);
    }

    /** $PATH, then the directories fuse3 packages install into. */
    static List<Path> defaultSearchPath() {
        LinkedHashSet<Path> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isEmpty()) dirs.add(Path.of(dir));
            }
        }
        dirs.add(Path.of("/usr/bin"));
        dirs.add(Path.of("/bin"));
        dirs.add(Path.of("/usr/local/bin"));
        return List.copyOf(dirs);
    }

    private Optional<Path> program() {
        return searchPath.stream().map(dir -> dir.resolve(PROGRAM)).filter(Files::isExecutable).findFirst();
    }

    @Override
    public int mount(Path mountpoint, FuseMountOptions options) throws FuseMountException {
        Path program = program().orElseThrow(() -> new FuseMountException("cannot mount on " + mountpoint + ": "
                + PROGRAM + " was not found (searched " + searchPath + "); a user other than root needs it to mount"
                + " FUSE file systems: install the fuse3 package, or mount as root"));
        List<String> mountOptions = new ArrayList<>(List.of("fsname=" + options.source(), "subtype=" + options.subtype()));
        mountOptions.addAll(MountMethod.commonOptions(options));
        mountOptions.addAll(List.of("nosuid", "nodev"));
        if (options.readOnly()) mountOptions.add("ro");
        int[] sockets;
        try {
            sockets = FdPassing.socketPair(FdPassing.SOCK_STREAM);
        } catch (ErrnoException e) {
            throw new FuseMountException("cannot mount on " + mountpoint + ": " + e.getMessage(), e);
        }
        try {
            Map<String, String> environment = new HashMap<>(System.getenv());
            environment.put("_FUSE_COMMFD", Integer.toString(CHILD_SOCKET_FD));
            ProcessSpawn.Outcome outcome = ProcessSpawn.run(program.toString(),
                    List.of(PROGRAM, "-o", String.join(",", mountOptions), "--", mountpoint.toString()),
                    environment, sockets[1], CHILD_SOCKET_FD);
            FileIo.closeQuietly(sockets[1]);
            sockets[1] = -1;
            if (!outcome.succeeded()) {
                throw new FuseMountException("cannot mount on " + mountpoint + ": " + program + " failed with "
                        + outcome.describe());
            }
            int fd = FdPassing.receiveFd(sockets[0]);
            if (fd < 0) {
                throw new FuseMountException("cannot mount on " + mountpoint + ": " + program
                        + " succeeded but sent no /dev/fuse descriptor back");
            }
            return fd;
        } catch (ErrnoException e) {
            throw new FuseMountException("cannot mount on " + mountpoint + ": running " + program + " failed: "
                    + e.getMessage(), e);
        } finally {
            FileIo.closeQuietly(sockets[0]);
            FileIo.closeQuietly(sockets[1]);
        }
    }

    @Override
    public void unmountLazily(String mountpoint) throws IOException {
        Path program = program().orElseThrow(() -> new IOException("cannot unmount " + mountpoint + ": " + PROGRAM
                + " was not found (searched " + searchPath + ")"));
        ProcessSpawn.Outcome outcome = ProcessSpawn.run(program.toString(),
                List.of(PROGRAM, "-u", "-z", "--", mountpoint), System.getenv(), -1, -1);
        if (!outcome.succeeded()) {
            throw new IOException(program + " -u -z " + mountpoint + " failed with " + outcome.describe());
        }
    }
}
