package qtfs.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static qtfs.sys.Libc.C_INT;
import static qtfs.sys.Libc.C_LONG;
import static qtfs.sys.Libc.C_POINTER;
import static qtfs.sys.Libc.C_SIZE_T;

/**
 * The socket system calls, bound once. Each method returns the raw result (-1 with errno
 * captured on failure) so that callers can retry EINTR and name their peer in the
 * {@link ErrnoException} they raise.
 */
final class SocketCalls {
    private SocketCalls() {}

    static final int SOCK_STREAM = 1;
    static final int SOCK_NONBLOCK = 04000, SOCK_CLOEXEC = 02000000;
    static final int SOL_SOCKET = 1, SO_ERROR = 4;
    static final int SHUT_WR = 1, SHUT_RDWR = 2;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int POLLIN = 0x1, POLLOUT = 0x4;
    static final int EFD_NONBLOCK = 04000, EFD_CLOEXEC = 02000000;

    // struct msghdr (LP64, same on x86_64 and aarch64): name, namelen, iov, iovlen, control, controllen, flags
    static final long MSG_IOV = 16, MSG_IOVLEN = 24, MSGHDR_SIZE = 56;
    // struct iovec: base, len
    static final long IOVEC_SIZE = 16;
    /** Linux's IOV_MAX: readv/writev/sendmsg refuse more buffers than this. */
    static final int IOV_MAX = 1024;
    // struct pollfd: int fd, short events, short revents
    static final long POLLFD_SIZE = 8, POLLFD_EVENTS = 4, POLLFD_REVENTS = 6;

    private static final MethodHandle SOCKET = Libc.errnoFunction("socket", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT));
    private static final MethodHandle BIND = Libc.errnoFunction("bind", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT));
    private static final MethodHandle LISTEN = Libc.errnoFunction("listen", FunctionDescriptor.of(C_INT, C_INT, C_INT));
    private static final MethodHandle ACCEPT4 = Libc.errnoFunction("accept4",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER, C_INT));
    private static final MethodHandle CONNECT = Libc.errnoFunction("connect", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT));
    private static final MethodHandle GETSOCKNAME = Libc.errnoFunction("getsockname",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER));
    private static final MethodHandle GETPEERNAME = Libc.errnoFunction("getpeername",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER));
    private static final MethodHandle SETSOCKOPT = Libc.errnoFunction("setsockopt",
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER, C_INT));
    private static final MethodHandle GETSOCKOPT = Libc.errnoFunction("getsockopt",
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER));
    private static final MethodHandle SHUTDOWN = Libc.errnoFunction("shutdown", FunctionDescriptor.of(C_INT, C_INT, C_INT));
    private static final MethodHandle RECV = Libc.errnoFunction("recv",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_SIZE_T, C_INT));
    private static final MethodHandle SEND = Libc.errnoFunction("send",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_SIZE_T, C_INT));
    private static final MethodHandle READV = Libc.errnoFunction("readv", FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_INT));
    private static final MethodHandle SENDMSG = Libc.errnoFunction("sendmsg", FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_INT));
    private static final MethodHandle POLL = Libc.errnoFunction("poll", FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, C_INT));
    private static final MethodHandle EVENTFD = Libc.errnoFunction("eventfd", FunctionDescriptor.of(C_INT, C_INT, C_INT));

    static int socket(int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(Libc.errnoState(), domain, type, protocol);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    static int bind(int fd, MemorySegment address) {
        try {
            return (int) BIND.invokeExact(Libc.errnoState(), fd, address, (int) address.byteSize());
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    static int listen(int fd, int backlog) {
        try {
            return (int) LISTEN.invokeExact(Libc.errnoState(), fd, backlog);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    /** {@code addressLength} is a socklen_t holding the size of {@code address}; the kernel updates it. */
    static int accept4(int fd, MemorySegment address, MemorySegment addressLength, int flags) {
        try {
            return (int) ACCEPT4.invokeExact(Libc.errnoState(), fd, address, addressLength, flags);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    static int connect(int fd, MemorySegment address) {
        try {
            return (int) CONNECT.invokeExact(Libc.errnoState(), fd, address, (int) address.byteSize());
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    static int getsockname(int fd, MemorySegment address, MemorySegment addressLength) {
        try {
            return (int) GETSOCKNAME.invokeExact(Libc.errnoState(), fd, address, addressLength);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    static int getpeername(int fd, MemorySegment address, MemorySegment addressLength) {
        try {
            return (int) GETPEERNAME.invokeExact(Libc.errnoState(), fd, address, addressLength);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    static int setsockopt(int fd, int level, int option, MemorySegment value) {
        try {
            return (int) SETSOCKOPT.invokeExact(Libc.errnoState(), fd, level, option, value, (int) value.byteSize());
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    static int getsockopt(int fd, int level, int option, MemorySegment value, MemorySegment valueLength) {
        try {
            return (int) GETSOCKOPT.invokeExact(Libc.errnoState(), fd, level, option, value, valueLength);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    static int shutdown(int fd, int how) {
        try {
            return (int) SHUTDOWN.invokeExact(Libc.errnoState(), fd, how);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    static long recv(int fd, MemorySegment buffer, long length, int flags) {
        try {
            return (long) RECV.invokeExact(Libc.errnoState(), fd, buffer, length, flags);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    static long send(int fd, MemorySegment buffer, long length, int flags) {
        try {
            return (long) SEND.invokeExact(Libc.errnoState(), fd, buffer, length, flags);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    static long readv(int fd, MemorySegment iovecs, int count) {
        try {
            return (long) READV.invokeExact(Libc.errnoState(), fd, iovecs, count);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    static long sendmsg(int fd, MemorySegment msghdr, int flags) {
        try {
            return (long) SENDMSG.invokeExact(Libc.errnoState(), fd, msghdr, flags);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    /** {@code timeoutMillis} -1 waits without limit. */
    static int poll(MemorySegment pollfds, long count, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(Libc.errnoState(), pollfds, count, timeoutMillis);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    static int eventfd(int initial, int flags) {
        try {
            return (int) EVENTFD.invokeExact(Libc.errnoState(), initial, flags);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }
}
