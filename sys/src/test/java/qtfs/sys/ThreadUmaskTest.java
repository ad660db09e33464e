package qtfs.sys;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreadUmaskTest {
    @TempDir
    Path dir;

    @Test
    void aThreadsUmaskAppliesToItsCreationsAndToNoOtherThread() throws Exception {
        int processMask = FileCalls.umask(022);
        try {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    ThreadUmask.set(077);
                    create("by-thread");
                    ThreadUmask.set(0);
                    create("by-thread-unmasked");
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.join();
            if (failure.get() != null) throw new AssertionError(failure.get());
            create("by-main");
            assertEquals("rw-------", mode("by-thread"));
            assertEquals("rw-rw-rw-", mode("by-thread-unmasked"));
            assertEquals("rw-r--r--", mode("by-main"), "the other threads keep the process's umask");
            assertEquals(022, FileCalls.umask(022));
        } finally {
            FileCalls.umask(processMask);
        }
    }

    @Test
    void refusedOnAVirtualThread() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                ThreadUmask.set(077);
            } catch (Throwable e) {
                thrown.set(e);
            }
        }).join();
        assertInstanceOf(IllegalStateException.class, thrown.get());
    }

    private void create(String name) throws ErrnoException {
        int fd = FileIo.open(dir.resolve(name).toString(), OpenFlags.O_CREAT | OpenFlags.O_WRONLY | OpenFlags.O_EXCL, 0666);
        FileIo.close(fd);
    }

    private String mode(String name) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name)));
    }
}
