package qtfs.sys;

import java.io.IOException;

/**
 * A system call failed. Carries the errno so that file-system code can hand it back to
 * the kernel unchanged, and a message a person can read: {@code "openat /srv/a: No such
 * file or directory (ENOENT)"}.
 */
public final class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;
    private final String call;

    public ErrnoException(String call, int errno) {
        this(call, errno, null);
    }

    public ErrnoException(String call, int errno, String path) {
        super(call + (path == null ? "" : " " + path) + ": " + Errno.describe(errno));
        this.errno = errno;
        this.call = call;
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
