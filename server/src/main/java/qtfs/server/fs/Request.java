package qtfs.server.fs;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.OutHeader;
import qtfs.sys.Errno;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * One request being served: its header fields, its body (bounds-checked: every read from
 * the peer's bytes goes through here), the reply buffer, and the inodes and handles it took
 * uses of, released when the request ends.
 */
final class Request implements AutoCloseable {
    final long unique;
    final long nodeId;
    final int uid, gid, pid;
    /** The body: after the header, without trailing request extensions. */
    final MemorySegment body;
    /** Notifications that must reach the client before this request's reply. */
    final NotificationSink notifications;
    private final MemorySegment reply;
    private final InodeStore inodes;
    private final HandleTable handles;
    /** Where to note nodes without extended attributes, or null when the caller does not want to know. */
    private final XattrHints xattrHints;
    /** Served by a thread that must not wait for a disk (see {@link WouldWait}). */
    final boolean mustNotWait;

    private Inode[] heldInodes = new Inode[4];
    private int heldInodeCount;
    private final OpenFile[] heldFiles = new OpenFile[2];
    private int heldFileCount;

    Request(MemorySegment message, MemorySegment body, MemorySegment reply, InodeStore inodes, HandleTable handles,
            NotificationSink notifications, XattrHints xattrHints, boolean mustNotWait) {
        this.unique = InHeader.unique(message);
        this.nodeId = InHeader.nodeid(message);
        this.uid = InHeader.uid(message);
        this.gid = InHeader.gid(message);
        this.pid = InHeader.pid(message);
        this.body = body;
        this.notifications = notifications;
        this.reply = reply;
        this.inodes = inodes;
        this.handles = handles;
        this.xattrHints = xattrHints;
        this.mustNotWait = mustNotWait;
    }

    /** Notes {@code inode} (descriptor {@code fd}) for the client if it has no extended attributes and hints are wanted. */
    void noteIfNoXattrs(Inode inode, int fd) {
        if (xattrHints != null) xattrHints.noteIfNone(this, inode, fd);
    }

    /** The body, checked to hold at least {@code size} bytes (a fixed-size struct at its start). */
    MemorySegment struct(int size) throws FuseError {
        if (body.byteSize() < size)
            throw new FuseError(Errno.EINVAL, "request body of " + body.byteSize() + " bytes, expected at least " + size);
        return body;
    }

    /** The NUL-terminated name at {@code offset} of the body, validated as one path component. */
    Name name(long offset) throws FuseError {
        return nameAt(offset, true);
    }

    /** A NUL-terminated string at {@code offset} (e.g. a symlink target or attribute name): no component rules. */
    Name string(long offset) throws FuseError {
        return nameAt(offset, false);
    }

    private Name nameAt(long offset, boolean component) throws FuseError {
        long size = body.byteSize();
        if (offset < 0 || offset >= size) throw new FuseError(Errno.EINVAL, "request body too short for a name");
        long end = offset;
        while (end < size && body.get(JAVA_BYTE, end) != 0) {
            if (component && body.get(JAVA_BYTE, end) == '/')
                throw new FuseError(Errno.EINVAL, "name contains '/'");
            end++;
        }
        if (end == size) throw new FuseError(Errno.EINVAL, "name not NUL-terminated");
        int length = (int) (end - offset);
        if (component) {
            if (length == 0) throw new FuseError(Errno.ENOENT, "empty name");
            if (length > Name.NAME_MAX) throw new FuseError(Errno.ENAMETOOLONG, "name longer than 255 bytes");
        }
        return new Name(body.asSlice(offset, length + 1L), length);
    }

    /** Offset just after {@code name} (its NUL included) within the body. */
    long after(Name name) {
        return name.cString().address() - body.address() + name.length() + 1;
    }

    /** The inode {@code nodeId}, in use until the request ends; ESTALE when the node is unknown. */
    Inode inode(long id) throws FuseError {
        Inode inode = inodes.acquire(id);
        if (inode == null) throw new FuseError(Errno.ESTALE, "unknown node id " + id);
        hold(inode);
        return inode;
    }

    /** The inode of the request header's node id. */
    Inode inode() throws FuseError {
        return inode(nodeId);
    }

    /** Keeps a use of {@code inode} until the request ends (for inodes obtained by lookup). */
    Inode hold(Inode inode) {
        if (heldInodeCount == heldInodes.length) heldInodes = Arrays.copyOf(heldInodes, heldInodes.length * 2);
        heldInodes[heldInodeCount++] = inode;
        return inode;
    }

    /** The open handle {@code fh}, in use until the request ends; EBADF when unknown. */
    OpenFile file(long fh) throws FuseError {
        OpenFile f = handles.acquire(fh);
        if (f == null) throw new FuseError(Errno.EBADF, "unknown file handle " + fh);
        if (heldFileCount == heldFiles.length) {
            f.release();
            throw new FuseError(Errno.EINVAL, "too many handles in one request");
        }
        heldFiles[heldFileCount++] = f;
        return f;
    }

    /** The reply body (after the out header), {@link #replyCapacity()} bytes long. */
    MemorySegment out() {
        return reply.asSlice(OutHeader.SIZE);
    }

    long replyCapacity() {
        return reply.byteSize() - OutHeader.SIZE;
    }

    /** Completes a successful reply with {@code bodyLength} bytes of body; returns the reply length. */
    int ok(long bodyLength) {
        int len = (int) (OutHeader.SIZE + bodyLength);
        OutHeader.write(reply, len, 0, unique);
        return len;
    }

    /** Writes an error reply; returns its length. */
    int error(int errno) {
        OutHeader.write(reply, OutHeader.SIZE, -errno, unique);
        return OutHeader.SIZE;
    }

    @Override
    public void close() {
        for (int i = 0; i < heldFileCount; i++) heldFiles[i].release();
        heldFileCount = 0;
        for (int i = 0; i < heldInodeCount; i++) heldInodes[i].release();
        heldInodeCount = 0;
    }
}
