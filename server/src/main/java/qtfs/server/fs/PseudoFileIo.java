package qtfs.server.fs;

import java.lang.foreign.MemorySegment;

import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.sys.FileIo;

/**
 * Reads and writes of files on volatile file systems (procfs, sysfs, cgroup...), where each
 * write(2) is one command to the kernel: {@code 100M} to {@code memory.max}, a pid to
 * {@code cgroup.procs}. A write is therefore passed on as exactly one system call with the
 * client's bytes, never split, retried or completed; a short count goes back to the client
 * program as it is, as it would locally. Files that cannot be read or written at an offset
 * (ESPIPE: {@code /proc/kmsg} and other stream-like entries) are read and written at the
 * descriptor's own position, which is the client's open file's, since each client open has
 * its own descriptor.
 */
final class PseudoFileIo {
    private PseudoFileIo() {}

    static long read(int fd, MemorySegment buf, long size, long offset) throws ErrnoException {
        try {
            return FileIo.pread(fd, buf, size, offset);
        } catch (ErrnoException e) {
            if (!e.is(Errno.ESPIPE)) throw e;
            return FileIo.read(fd, buf, size);
        }
    }

    static long write(int fd, MemorySegment data, long size, long offset) throws ErrnoException {
        try {
            return FileIo.pwrite(fd, data, size, offset);
        } catch (ErrnoException e) {
            if (!e.is(Errno.ESPIPE)) throw e;
            return FileIo.write(fd, data, size);
        }
    }
}
