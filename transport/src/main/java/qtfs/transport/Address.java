package qtfs.transport;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import qtfs.sys.VsockAddress;

/**
 * Where a qtfs server listens: {@code unix:PATH}, {@code tcp:HOST:PORT}, {@code tcp:[IPv6]:PORT}
 * or {@code vsock:CID:PORT} ({@code vsock:PORT} and {@code vsock:any:PORT} to listen on every
 * local CID). {@link #toString()} gives the canonical text form, which {@link #parse} reads back.
 */
public sealed interface Address permits Address.Unix, Address.Tcp, Address.Vsock {

    /** A unix stream socket file. */
    record Unix(Path path) implements Address {
        /** sizeof(sockaddr_un.sun_path) minus the terminating NUL. */
        public static final int MAX_PATH_BYTES = 107;

        public Unix {
            String text = path.toString();
            if (text.isEmpty()) throw new IllegalArgumentException("unix socket path is empty");
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_PATH_BYTES) {
                throw new IllegalArgumentException("unix socket path " + text + " is " + bytes + " bytes long; at most "
                        + MAX_PATH_BYTES + " fit in a socket address");
            }
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }

    /** A TCP host (name, IPv4 or IPv6 literal without brackets) and port; port 0 means "any" when listening. */
    record Tcp(String host, int port) implements Address {
        public Tcp {
            if (host.isEmpty()) throw new IllegalArgumentException("TCP host is empty");
            if (port < 0 || port > 65535) throw new IllegalArgumentException("TCP port " + port + " is out of range 0..65535");
        }

        @Override
        public String toString() {
            return "tcp:" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * An AF_VSOCK context id (the machine: 2 is a VM's host) and port, unsigned 32-bit numbers
     * held in ints; {@link qtfs.sys.Vsock#VMADDR_CID_ANY} listens on every local CID.
     */
    record Vsock(int cid, int port) implements Address {
        public VsockAddress toVsockAddress() {
            return new VsockAddress(cid, port);
        }

        @Override
        public String toString() {
            return toVsockAddress().toString();
        }
    }

    /**
     * Reads an address; the IllegalArgumentException message quotes the text and says what
     * was expected.
     */
    static Address parse(String text) {
        if (text.startsWith("unix:")) {
            String path = text.substring(5);
            if (path.isEmpty()) throw new IllegalArgumentException("bad address '" + text + "': unix: needs a socket path, e.g. unix:/run/qtfs/qtfsd.sock");
            try {
                return new Unix(Path.of(path));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad address '" + text + "': " + e.getMessage(), e);
            }
        }
        if (text.startsWith("tcp:")) return parseTcp(text, text.substring(4));
        if (text.startsWith("vsock:")) {
            VsockAddress vsock = VsockAddress.parse(text);
            return new Vsock(vsock.cid(), vsock.port());
        }
        throw new IllegalArgumentException("bad address '" + text + "': expected unix:PATH, tcp:HOST:PORT, tcp:[IPv6]:PORT or vsock:CID:PORT");
    }

    private static Address parseTcp(String text, String rest) {
        String host;
        String port;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0 || close + 1 >= rest.length() || rest.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("bad address '" + text + "': expected tcp:[IPv6]:PORT");
            }
            host = rest.substring(1, close);
            port = rest.substring(close + 2);
            if (host.indexOf(':') < 0) {
                throw new IllegalArgumentException("bad address '" + text + "': brackets are for IPv6 addresses only");
            }
        } else {
            int colon = rest.lastIndexOf(':');
            if (colon < 0) throw new IllegalArgumentException("bad address '" + text + "': expected tcp:HOST:PORT");
            host = rest.substring(0, colon);
            port = rest.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("bad address '" + text + "': write IPv6 addresses in brackets, e.g. tcp:[::1]:PORT");
            }
        }
        if (host.isEmpty()) throw new IllegalArgumentException("bad address '" + text + "': the host is missing");
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("bad address '" + text + "': port '" + port + "' is not a number 0..65535");
        }
        int number = Integer.parseInt(port);
        if (number > 65535) throw new IllegalArgumentException("bad address '" + text + "': port " + number + " is out of range 0..65535");
        return new Tcp(host, number);
    }
}
