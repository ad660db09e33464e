package qtfs.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

import static qtfs.sys.Libc.C_INT;

/**
 * A file creation mask for the calling OS thread alone. umask(2) sets the mask of the
 * file-system context (working directory, root, umask) that the threads of a process share;
 * a thread that unshares that context ({@code unshare(CLONE_FS)}) gets a copy of its own, and
 * its umask no longer touches the other threads. Files created with a thread's mask get it
 * applied by the file system itself, so that a default ACL of the parent directory wins over
 * it, as for a local process. Never call on a virtual thread.
 */
public final class ThreadUmask {
    private ThreadUmask() {}

    private static final int CLONE_FS = 0x200;
    private static final MethodHandle UNSHARE = Libc.errnoFunction("unshare", FunctionDescriptor.of(C_INT, C_INT));
    private static final MethodHandle UMASK = Libc.function("umask", FunctionDescriptor.of(C_INT, C_INT));
    /** The mask this thread last set, or -1 while the thread still shares the process's context. */
    private static final ThreadLocal<int[]> CURRENT = ThreadLocal.withInitial(() -> new int[] {-1});

    /**
     * Makes {@code mask} (the permission bits of it) the calling thread's umask. The first call
     * on a thread gives it a file-system context of its own.
     *
     * @throws ErrnoException the thread cannot have a context of its own; nothing changed
     */
    public static void set(int mask) throws ErrnoException {
        if (Thread.currentThread().isVirtual())
            throw new IllegalStateException("the umask of a thread is per OS thread: refusing to set it on a virtual thread");
        int wanted = mask & 0777;
        int[] current = CURRENT.get();
        if (current[0] == wanted) return;
        if (current[0] < 0) Calls.checked("unshare(CLONE_FS)", () -> (int) UNSHARE.invokeExact(Libc.errnoState(), CLONE_FS));
        try {
            int ignored = (int) UMASK.invokeExact(wanted); // the previous mask, known already
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        current[0] = wanted;
    }
}
