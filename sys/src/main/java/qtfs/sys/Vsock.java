package qtfs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static qtfs.sys.Libc.C_INT;
import static qtfs.sys.Libc.C_LONG;
import static qtfs.sys.Libc.C_POINTER;

/**
 * AF_VSOCK constants (linux/vm_sockets.h, the same on x86_64 and aarch64) and what the
 * machine says about its own vsock context id.
 */
public final class Vsock {
    private Vsock() {}

    public static final int AF_VSOCK = 40;
    /** Bind to every local CID; as a peer it means "unknown". */
    public static final int VMADDR_CID_ANY = -1;
    public static final int VMADDR_CID_HYPERVISOR = 0;
    /** This machine, through the vsock loopback transport (when the kernel has it). */
    public static final int VMADDR_CID_LOCAL = 1;
    /** The host of a virtual machine. */
    public static final int VMADDR_CID_HOST = 2;
    /** Bind to a port the kernel chooses. */
    public static final int VMADDR_PORT_ANY = -1;

    /** Socket options at level AF_VSOCK; buffer sizes are u64, the connect timeout a struct timeval. */
    static final int SO_VM_SOCKETS_BUFFER_SIZE = 0, SO_VM_SOCKETS_BUFFER_MAX_SIZE = 2, SO_VM_SOCKETS_CONNECT_TIMEOUT = 6;

    private static final String DEVICE = "/dev/vsock";
    /** _IO(7, 0xb9): no size or direction bits, so the same number on both architectures. */
    private static final long IOCTL_VM_SOCKETS_GET_LOCAL_CID = 0x7b9;
    private static final MethodHandle IOCTL = Libc.LINKER.downcallHandle(
            Libc.LOOKUP.find("ioctl").orElseThrow(() -> new UnsatisfiedLinkError("libc has no function ioctl")),
            FunctionDescriptor.of(C_INT, C_INT, C_LONG, C_POINTER),
            Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));

    /** This machine's own CID, as {@code /dev/vsock} reports it (a guest's CID is 3 or more). */
    public static int localCid() throws ErrnoException {
        int fd = FileIo.open(DEVICE, OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cid = arena.allocate(ValueLayout.JAVA_INT);
            int rc;
            try {
                rc = (int) IOCTL.invokeExact(Libc.errnoState(), fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, cid);
            } catch (Throwable t) {
                throw Libc.unexpected(t);
            }
            Libc.check(rc, "ioctl(IOCTL_VM_SOCKETS_GET_LOCAL_CID)", DEVICE);
            return cid.get(ValueLayout.JAVA_INT, 0);
        } finally {
            FileIo.closeQuietly(fd);
        }
    }

    /**
     * Socket buffers for a connection. The default (256 KiB) holds less than one large frame;
     * a child socket inherits its listener's sizes.
     */
    static final long BUFFER_SIZE = 4 << 20;

    /** A new AF_VSOCK stream socket with qtfs's buffer sizes; {@code address} is named in errors. */
    static int openSocket(VsockAddress address, int extraFlags) throws ErrnoException {
        int fd = Libc.check(SocketCalls.socket(AF_VSOCK, SocketCalls.SOCK_STREAM | SocketCalls.SOCK_CLOEXEC | extraFlags, 0),
                "socket", address.toString());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocateFrom(ValueLayout.JAVA_LONG, BUFFER_SIZE);
            // the maximum first: a size above the current maximum would be cut down to it
            Libc.check(SocketCalls.setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_BUFFER_MAX_SIZE, size),
                    "setsockopt(SO_VM_SOCKETS_BUFFER_MAX_SIZE)", address.toString());
            Libc.check(SocketCalls.setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE, size),
                    "setsockopt(SO_VM_SOCKETS_BUFFER_SIZE)", address.toString());
            return fd;
        } catch (ErrnoException | RuntimeException e) {
            FileIo.closeQuietly(fd);
            throw e;
        }
    }

    static long bufferSize(int fd, String name) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, (int) value.byteSize());
            Libc.check(SocketCalls.getsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE, value, length),
                    "getsockopt(SO_VM_SOCKETS_BUFFER_SIZE)", name);
            return value.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** getsockname(2) of a vsock socket. */
    static VsockAddress localAddress(int fd, String name) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(VsockAddress.SOCKADDR_SIZE, 4);
            MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, (int) VsockAddress.SOCKADDR_SIZE);
            Libc.check(SocketCalls.getsockname(fd, address, length), "getsockname", name);
            return VsockAddress.fromSockaddr(address);
        }
    }
}
