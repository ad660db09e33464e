package qtfs.server.fs;

import java.lang.foreign.MemorySegment;

import qtfs.fuse.proto.InitParams;
import qtfs.server.whitelist.Whitelist;
import qtfs.sys.ErrnoException;

/** One client mount served from a server directory: a FUSE low-level passthrough file system. */
public final class FileSystemSession implements AutoCloseable {
    public static FileSystemSession open(String exportPath, Whitelist whitelist, InitParams init) throws ErrnoException {
        return open(exportPath, whitelist, init, CacheTimes.DEFAULT);
    }

    public static FileSystemSession open(String exportPath, Whitelist whitelist, InitParams init, CacheTimes cacheTimes)
            throws ErrnoException {
        throw new UnsupportedOperationException("not yet");
    }

    public int handle(MemorySegment request, int[] groups, MemorySegment reply) {
        throw new UnsupportedOperationException("not yet");
    }

    public void interrupt(long unique) {
        throw new UnsupportedOperationException("not yet");
    }

    public int openHandleCount() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void close() {
    }
}
