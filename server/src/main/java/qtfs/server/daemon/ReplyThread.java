package qtfs.server.daemon;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import qtfs.server.fs.XattrHints;

/**
 * A platform thread that serves file-system requests, with its own native reply buffer for
 * its whole life. Platform, never virtual: the file system switches credentials per OS thread.
 */
final class ReplyThread extends Thread {
    private final long bufferSize;
    private MemorySegment buffer;
    private final XattrHints xattrHints = new XattrHints();

    private ReplyThread(Runnable task, String name, long bufferSize) {
        super(null, task, name, 0, false);
        this.bufferSize = bufferSize;
        setDaemon(true);
    }

    @Override
    public void run() {
        try (Arena arena = Arena.ofConfined()) {
            buffer = arena.allocate(bufferSize, 8);
            super.run();
        }
    }

    /** The reply buffer of the calling thread, which must be a ReplyThread. */
    static MemorySegment buffer() {
        return ((ReplyThread) Thread.currentThread()).buffer;
    }

    /** The calling ReplyThread's collector of nodes without extended attributes. */
    static XattrHints xattrHints() {
        return ((ReplyThread) Thread.currentThread()).xattrHints;
    }

    static ThreadFactory factory(String namePrefix, long bufferSize) {
        AtomicInteger n = new AtomicInteger();
        return task -> new ReplyThread(task, namePrefix + n.incrementAndGet(), bufferSize);
    }
}
