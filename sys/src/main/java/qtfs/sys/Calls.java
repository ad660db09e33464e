package qtfs.sys;

/**
 * Runs one bound native call and turns its failure into an {@link ErrnoException}: keeps the
 * classes that bind system calls free of the same try/catch around every invokeExact.
 */
final class Calls {
    private Calls() {}

    @FunctionalInterface
    interface IntCall { int run() throws Throwable; }

    @FunctionalInterface
    interface LongCall { long run() throws Throwable; }

    static int checked(String call, IntCall c) throws ErrnoException {
        int rc;
        try {
            rc = c.run();
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        return Libc.check(rc, call);
    }

    static long checked(String call, LongCall c) throws ErrnoException {
        long rc;
        try {
            rc = c.run();
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        return Libc.check(rc, call);
    }
}
