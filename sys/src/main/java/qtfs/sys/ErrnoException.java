package qtfs.sys;

import java.io.IOException;

/**
 * A system call failed. Carries the errno so that file-system code can hand it back to
 * the kernel unchanged, and a message a person can read: {@code "openat /srv/a: No such
 * file or directory (ENOENT)"}.
 *
 * <p>Failing calls are everyday answers on a file server (a lookup of a missing name, an
 * absent extended attribute), so the exception is cheap: no stack trace, and the message is
 * put together only when someone reads it.
 */
public final class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;
    private final String call;
    private final String path;

    public ErrnoException(String call, int errno) {
        this(call, errno, null);
    }

    public ErrnoException(String call, int errno, String path) {
        this.errno = errno;
        this.call = call;
        this.path = path;
    }

    @Override
    public String getMessage() {
        return call + (path == null ? "" : " " + path) + ": " + Errno.describe(errno);
    }

    /** No stack trace: the call and errno say what failed, and the trace would cost more than the call. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    /** The positive errno value, e.g. {@link Errno#ENOENT}. */
    public int errno() {
        return errno;
    }

    /** The call that failed, e.g. {@code "openat"}. */
    public String call() {
        return call;
    }

    public boolean is(int value) {
        return errno == value;
    }
}
