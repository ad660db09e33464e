package qtfs.server.daemon;

import java.lang.foreign.MemorySegment;

import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.ReadIn;
import qtfs.fuse.proto.XattrIn;
import qtfs.server.fs.FileSystemSession;

/**
 * Which requests a connection's reader serves itself instead of handing them to a worker.
 * Handing over costs two thread wake-ups and several futex calls, more than a lookup or a
 * getattr costs to serve; so requests that never wait for long (name and attribute work, opens
 * and closes, directory listings, reads of regular files on disk) run on the reader. Writes,
 * syncs and space allocation may wait long for a disk, reads of pipes, devices and files like
 * trace_pipe may wait for good, lock waits wait for other processes: they go to the workers,
 * so that one slow request does not hold up the rest of its connection. (A read that must
 * wait for the disk, and a write to a regular file on a disk, are served by the reader only
 * while its connection has nothing else to serve; see ClientConnection.)
 */
final class InlineRequests {
    private InlineRequests() {}

    /** Reply room of a reader: enough for the directory pages and attribute values the kernel asks for. */
    static final int REPLY_CAPACITY = 256 << 10;

    /**
     * Whether the reader serves {@code request} (a whole FUSE request, header checked to be
     * present) of session {@code fs} with a reply buffer of {@link #REPLY_CAPACITY} bytes.
     */
    static boolean servedByReader(MemorySegment request, FileSystemSession fs) {
        Opcode op = Opcode.of(InHeader.opcode(request));
        if (op == null) return true;   // answered ENOSYS at once
        MemorySegment body = request.asSlice(InHeader.SIZE);
        return switch (op) {
            case LOOKUP, FORGET, BATCH_FORGET, GETATTR, SETATTR, READLINK, STATFS, ACCESS,
                 SYMLINK, MKNOD, MKDIR, UNLINK, RMDIR, RENAME, RENAME2, LINK,
                 OPEN, CREATE, TMPFILE, FLUSH, RELEASE, OPENDIR, RELEASEDIR,
                 SETXATTR, REMOVEXATTR, GETLK, SETLK, LSEEK,
                 INTERRUPT, NOTIFY_REPLY, DESTROY, INIT, POLL, BMAP, SETUPMAPPING, REMOVEMAPPING -> true;
            // answers as large as the kernel asks for: only when they fit
            case READDIR, READDIRPLUS -> body.byteSize() >= ReadIn.SIZE && fits(ReadIn.size(body));
            case GETXATTR, LISTXATTR -> body.byteSize() >= XattrIn.GETXATTR_SIZE && fits(XattrIn.getSize(body));
            case READ -> body.byteSize() >= ReadIn.SIZE && fits(ReadIn.size(body)) && fs.readsFromDisk(request);
            // a mount may read a disk for long
            case WRITE, FSYNC, FSYNCDIR, FALLOCATE, COPY_FILE_RANGE, SYNCFS, SETLKW, IOCTL -> false;
        };
    }

    private static boolean fits(int size) {
        return Integer.toUnsignedLong(size) <= REPLY_CAPACITY - 4096;
    }
}
