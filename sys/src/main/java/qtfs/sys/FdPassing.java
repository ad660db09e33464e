package qtfs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static qtfs.sys.Libc.C_INT;
import static qtfs.sys.Libc.C_LONG;
import static qtfs.sys.Libc.C_POINTER;

/**
 * Unix socket pairs and receiving a file descriptor over one (SCM_RIGHTS), as fusermount3
 * hands back the /dev/fuse descriptor it mounted. struct msghdr and struct cmsghdr have the
 * same LP64 layout on x86_64 and aarch64; the offsets below are written out for both.
 */
public final class FdPassing {
    private FdPassing() {}

    public static final int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5;

    private static final int AF_UNIX = 1, SOCK_CLOEXEC = 02000000;
    private static final int SOL_SOCKET = 1, SCM_RIGHTS = 1;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;

    // struct msghdr
    private static final long MSG_IOV = 16, MSG_IOVLEN = 24, MSG_CONTROL = 32, MSG_CONTROLLEN = 40, MSGHDR_SIZE = 56;
    // struct iovec
    private static final long IOV_BASE = 0, IOV_LEN = 8, IOVEC_SIZE = 16;
    // struct cmsghdr: size_t len, int level, int type, then data (aligned to 8)
    private static final long CMSG_LEN = 0, CMSG_LEVEL = 8, CMSG_TYPE = 12, CMSG_DATA = 16;
    /** Room for a few descriptors: a sender that passes more than one gets the extras closed. */
    private static final long CONTROL_SIZE = CMSG_DATA + 8 * Integer.BYTES;

    private static final MethodHandle SOCKETPAIR = Libc.errnoFunction("socketpair",
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER));
    private static final MethodHandle RECVMSG = Libc.errnoFunction("recvmsg",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_INT));

    /** A connected pair of AF_UNIX sockets of {@code type} (e.g. {@link #SOCK_STREAM}), both close-on-exec. */
    public static int[] socketPair(int type) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            Libc.check((int) SOCKETPAIR.invokeExact(Libc.errnoState(), AF_UNIX, type | SOCK_CLOEXEC, 0, fds),
                    "socketpair");
            return new int[] {fds.getAtIndex(ValueLayout.JAVA_INT, 0), fds.getAtIndex(ValueLayout.JAVA_INT, 1)};
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    /**
     * Receives one message and returns the first descriptor passed with it (close-on-exec),
     * or -1 when the peer closed the socket or sent data without a descriptor.
     */
    public static int receiveFd(int socket) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(64);
            MemorySegment iov = arena.allocate(IOVEC_SIZE, 8);
            iov.set(ValueLayout.ADDRESS, IOV_BASE, data);
            iov.set(ValueLayout.JAVA_LONG, IOV_LEN, data.byteSize());
            MemorySegment control = arena.allocate(CONTROL_SIZE, 8);
            MemorySegment msg = arena.allocate(MSGHDR_SIZE, 8);
            msg.set(ValueLayout.ADDRESS, MSG_IOV, iov);
            msg.set(ValueLayout.JAVA_LONG, MSG_IOVLEN, 1L);
            msg.set(ValueLayout.ADDRESS, MSG_CONTROL, control);
            msg.set(ValueLayout.JAVA_LONG, MSG_CONTROLLEN, CONTROL_SIZE);
            long received;
            while (true) {
                received = (long) RECVMSG.invokeExact(Libc.errnoState(), socket, msg, MSG_CMSG_CLOEXEC);
                if (received != -1 || Libc.lastErrno() != Errno.EINTR) break;
            }
            Libc.check(received, "recvmsg");
            long controlLength = msg.get(ValueLayout.JAVA_LONG, MSG_CONTROLLEN);
            if (controlLength < CMSG_DATA + Integer.BYTES) return -1;
            long cmsgLength = control.get(ValueLayout.JAVA_LONG, CMSG_LEN);
            if (control.get(ValueLayout.JAVA_INT, CMSG_LEVEL) != SOL_SOCKET
                    || control.get(ValueLayout.JAVA_INT, CMSG_TYPE) != SCM_RIGHTS
                    || cmsgLength < CMSG_DATA + Integer.BYTES || cmsgLength > controlLength) {
                return -1;
            }
            int count = (int) ((cmsgLength - CMSG_DATA) / Integer.BYTES);
            int first = control.get(ValueLayout.JAVA_INT, CMSG_DATA);
            for (int i = 1; i < count; i++) {
                FileIo.closeQuietly(control.get(ValueLayout.JAVA_INT, CMSG_DATA + (long) i * Integer.BYTES));
            }
            return first;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }
}
