package qtfs.cli;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;

import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.FileIo;
import qtfs.sys.Ioctls;
import qtfs.sys.OpenFlags;
import qtfs.wire.ProtocolException;
import qtfs.wire.RemoteMount;

/**
 * Asks the server behind a qtfs mount to mount or unmount: opens the directory holding the
 * place inside the mount and issues the qtfs ioctl on it, which the client kernel sends to the server like
 * any request of the caller (so the caller's identity is what the server judges).
 */
final class ServerMountCall {
    private ServerMountCall() {
    }

    /** A place on the server as the client names it: {@code name} in the qtfs directory {@code parent}. */
    record Place(Path parent, String name) {
        Path path() {
            return parent.resolve(name);
        }
    }

    /** Sends {@code request} (made for the place's name) through the place's directory; returns once the server did it. */
    static void send(Place place, RemoteMount request) throws CommandFailedException {
        Path dir = place.parent();
        int fd;
        try {
            fd = FileIo.open(dir.toString(), OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0);
        } catch (ErrnoException e) {
            throw new CommandFailedException("cannot open " + dir + ": " + Errno.describe(e.errno()));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment arg = arena.allocate(RemoteMount.ARG_SIZE);
            arg.copyFrom(MemorySegment.ofBuffer(request.encode()));
            try {
                Ioctls.ioctl(fd, RemoteMount.COMMAND, arg, "qtfs remote mount", dir.toString());
            } catch (ErrnoException e) {
                throw new CommandFailedException(failure(place.path(), e, arg));
            }
        } finally {
            FileIo.closeQuietly(fd);
        }
    }

    /** How long a command waits for the client to show the server's change as a mount of its own. */
    private static final Duration MIRROR_WAIT = Duration.ofSeconds(5);

    /**
     * Waits until {@code path} is (or no longer is) a qtfs mount of its own here, as the mount
     * daemon shows the server's mounts; gives up quietly after a few seconds (the server's
     * change is made; a daemon that cannot mirror it logs why).
     */
    static void awaitMirror(Path path, boolean mounted) {
        long deadline = System.nanoTime() + MIRROR_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                boolean now = MountTable.read().at(path).map(MountTable.Mount::isQtfs).orElse(false);
                if (now == mounted) return;
                Thread.sleep(20);
            } catch (IOException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The server's own sentence when it gave one, else what the errno says. */
    private static String failure(Path dir, ErrnoException e, MemorySegment arg) {
        if (e.is(Errno.ENOTTY)) return "the server of " + dir + " does not mount on request (qtfsd too old?)";
        try {
            RemoteMount.Outcome outcome = RemoteMount.Outcome.decode(arg.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
            if (outcome.errno() == e.errno() && !outcome.message().isEmpty())
                return "the server refused: " + outcome.message() + " (" + Errno.name(e.errno()) + ")";
        } catch (ProtocolException ignored) {
            // no answer of the server's in the buffer: the kernel or the client refused
        }
        return dir + ": " + Errno.describe(e.errno());
    }

    /**
     * Where {@code path} is: made absolute and real, its directory checked to lie inside a
     * qtfs mount (the request travels through that directory).
     */
    static Place locate(Path path) throws CommandFailedException {
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            throw new CommandFailedException("cannot find " + path + ": " + e.getMessage());
        }
        Path parent = real.getParent();
        if (parent == null) throw new CommandFailedException(real + " is not inside a qtfs mount");
        MountTable table;
        try {
            table = MountTable.read();
        } catch (IOException e) {
            throw new CommandFailedException("cannot read " + MountTable.MOUNTINFO + ": " + e.getMessage());
        }
        MountTable.Mount containing = table.containing(parent)
                .orElseThrow(() -> new CommandFailedException(parent + " is in no mount"));
        if (!containing.isQtfs()) {
            boolean isRoot = table.at(real).map(MountTable.Mount::isQtfs).orElse(false);
            throw new CommandFailedException(real + (isRoot ? " is the root of a qtfs mount: name a directory inside it"
                    : " is not inside a qtfs mount"));
        }
        return new Place(parent, real.getFileName().toString());
    }
}
