package qtfs.server.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One qtfsd per run directory: a lock on {@code runDir/qtfsd.lock} holding the owner's pid.
 * The kernel drops the lock when the process dies, so a crash never leaves a stale lock.
 */
final class InstanceLock implements AutoCloseable {
    static final String FILE_NAME = "qtfsd.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private InstanceLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static InstanceLock acquire(Path runDir) throws QtfsdException {
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new QtfsdException("cannot create run directory " + runDir + ": " + e.getMessage(), e);
        }
        Path file = runDir.resolve(FILE_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new QtfsdException("cannot open lock file " + file + ": " + e.getMessage(), e);
        }
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another qtfsd in this very process
            }
            if (lock == null) throw new QtfsdException("another qtfsd is running (pid " + ownerPid(channel) + ", lock " + file + ")");
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new InstanceLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new QtfsdException("cannot lock " + file + ": " + e.getMessage(), e);
        } catch (QtfsdException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static String ownerPid(FileChannel channel) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            channel.read(b, 0);
            String pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
            return pid.matches("\\d+") ? pid : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the descriptor is gone either way
        }
    }

    /** Releases the lock; the file stays (removing it would race with a starting qtfsd). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it anyway
        }
        closeQuietly(channel);
    }
}
