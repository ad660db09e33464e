package qtfs.server.fs;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** fh → open file or directory. Handle numbers count up and are never reused. */
final class HandleTable {
    private final ConcurrentHashMap<Long, OpenFile> open = new ConcurrentHashMap<>();
    private final AtomicLong nextFh = new AtomicLong(1);

    /** Registers an open descriptor of {@code inode} (taking over the fd and one inode use); returns its fh. */
    long add(int fd, Inode inode, boolean directory) {
        long fh = nextFh.getAndIncrement();
        open.put(fh, new OpenFile(fh, fd, inode, directory));
        return fh;
    }

    /** The handle, without taking a use: only to look at what it is. */
    OpenFile peek(long fh) {
        return open.get(fh);
    }

    /** The handle with a use taken (the caller releases it), or null. */
    OpenFile acquire(long fh) {
        OpenFile f = open.get(fh);
        return f != null && f.acquire() ? f : null;
    }

    /**
     * Takes the handle out of the table and hands the table's use to the caller, who must
     * release it; the descriptor closes once no request uses it any more. Null if unknown.
     */
    OpenFile remove(long fh) {
        return open.remove(fh);
    }

    int size() {
        return open.size();
    }

    void close() {
        for (Long fh : open.keySet()) {
            OpenFile f = remove(fh);
            if (f != null) f.release();
        }
    }
}
