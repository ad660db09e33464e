package qtfs.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

import qtfs.sys.Errno;
import qtfs.wire.Failure;
import qtfs.wire.FrameType;
import qtfs.wire.Hello;
import qtfs.wire.ProtocolException;
import qtfs.wire.Service;
import qtfs.wire.VersionRange;
import qtfs.wire.Welcome;

/**
 * The first exchange on every connection: HELLO from the client, WELCOME or REFUSE from the
 * server. Versions, service and feature bits are agreed here; a refusal is logged on the side
 * that refuses and reported on the side that is refused, with a message naming both sides'
 * version ranges when they do not meet.
 */
public final class Handshake {
    private static final System.Logger LOG = System.getLogger(Handshake.class.getName());
    /** How long either side waits for the other's handshake frame. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** How long a peer refused before its HELLO may go on sending before the server hangs up. */
    private static final Duration REFUSAL_DRAIN_TIME = Duration.ofSeconds(2);

    private final VersionRange versions;
    private final long features;
    private final String identity;
    private final Duration timeout;

    public Handshake(VersionRange versions, long features, String identity, Duration timeout) {
        this.versions = versions;
        this.features = features;
        this.identity = identity;
        this.timeout = timeout;
    }

    /** This implementation's versions, no optional features, the default timeout. */
    public Handshake(String identity) {
        this(VersionRange.SUPPORTED, 0, identity, DEFAULT_TIMEOUT);
    }

    /** This implementation's versions and the default timeout, offering {@code features} (see {@code qtfs.wire.Features}). */
    public Handshake(String identity, long features) {
        this(VersionRange.SUPPORTED, features, identity, DEFAULT_TIMEOUT);
    }

    /** The optional features this side offers; a connection has those both sides offered. */
    public long features() {
        return features;
    }

    /** Client side: sends HELLO for {@code service} and returns the server's WELCOME. */
    public Welcome initiate(Connection c, Service service) throws IOException {
        try (Deadline deadline = Deadline.start(c, timeout)) {
            try {
                c.send(FrameType.HELLO, 0, 0, new Hello(versions, service, features, identity).encode());
                Frame reply = c.receive();
                return switch (reply.header().type()) {
                    case WELCOME -> checkWelcome(c, Welcome.decode(reply.payload()));
                    case REFUSE -> {
                        Failure f = Failure.decode(reply.payload(), FrameType.REFUSE);
                        LOG.log(System.Logger.Level.WARNING, "{0} refused the connection: {1}", c.peer(), f.reason());
                        throw new HandshakeException(c.peer() + " refused the connection: " + f.reason(), f.errno());
                    }
                    default -> throw new ProtocolException("expected WELCOME or REFUSE from " + c.peer() + ", got " + reply.header().type());
                };
            } catch (HandshakeException e) {
                throw e;
            } catch (IOException e) {
                if (deadline.expired()) throw new HandshakeException("no answer from " + c.peer() + " to HELLO within " + Deadline.describe(timeout), Errno.ETIMEDOUT);
                throw e;
            }
        }
    }

    private Welcome checkWelcome(Connection c, Welcome w) throws ProtocolException {
        if (!versions.contains(w.version())) {
            throw new ProtocolException(c.peer() + " chose protocol version " + w.version() + ", outside the offered " + versions);
        }
        if ((w.features() & ~features) != 0) {
            throw new ProtocolException(c.peer() + " accepted features 0x" + Long.toHexString(w.features())
                    + " that were not offered (0x" + Long.toHexString(features) + ")");
        }
        return w;
    }

    /**
     * Server side: reads HELLO and answers WELCOME when a version in common and the service
     * are there. Otherwise sends REFUSE, logs why, and throws.
     */
    public Hello accept(Connection c, Set<Service> services) throws IOException {
        try (Deadline deadline = Deadline.start(c, timeout)) {
            Hello hello;
            try {
                hello = readHello(c);
            } catch (ProtocolException e) {
                throw refuse(c, Errno.EPROTO, e.getMessage());
            } catch (IOException e) {
                if (deadline.expired()) throw new HandshakeException("no HELLO from " + c.peer() + " within " + Deadline.describe(timeout), Errno.ETIMEDOUT);
                throw e;
            }
            OptionalInt version = versions.highestCommon(hello.versions());
            if (version.isEmpty()) {
                throw refuse(c, Errno.EPROTONOSUPPORT, "protocol version mismatch: client '" + printable(hello.identity()) + "' speaks versions "
                        + hello.versions() + ", server '" + identity + "' speaks versions " + versions);
            }
            if (!services.contains(hello.service())) {
                throw refuse(c, Errno.EPROTONOSUPPORT, "service " + hello.service() + " is not offered here (offered: "
                        + services.stream().map(Service::toString).sorted().collect(Collectors.joining(", ")) + ")");
            }
            c.send(FrameType.WELCOME, 0, 0, new Welcome(version.getAsInt(), hello.features() & features, identity).encode());
            return hello;
        }
    }

    /**
     * Server side, when the connection cannot be served at all (e.g. too many connections):
     * waits for the HELLO so the client reads a REFUSE rather than a reset, refuses, and throws.
     */
    public HandshakeException decline(Connection c, int errno, String reason) {
        try (Deadline ignored = Deadline.start(c, timeout)) {
            readHello(c);
        } catch (IOException e) {
            // the reason to refuse stands whatever the client sent
        }
        return refuse(c, errno, reason);
    }

    /** How this process introduces itself: {@code "qtfsd@host pid 1234"}. */
    public static String localIdentity(String program) {
        String host;
        try {
            host = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            host = "localhost";
        }
        return program + "@" + host + " pid " + ProcessHandle.current().pid();
    }

    /** A peer-chosen string made safe for a log line: no control characters, bounded length. */
    public static String printable(String peerText) {
        String cut = peerText.length() > 200 ? peerText.substring(0, 200) + "..." : peerText;
        return cut.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    private static Hello readHello(Connection c) throws IOException {
        Frame f = c.receive();
        if (f.header().type() != FrameType.HELLO) throw new ProtocolException("expected HELLO, got " + f.header().type());
        return Hello.decode(f.payload());
    }

    /**
     * Server side, when the transport already knows it will not serve the peer (its uid, its
     * CID, plain TCP to a TLS server): refuses at once without waiting for HELLO, then reads
     * and drops what the peer still sends, for a short while, so that it reads the REFUSE
     * rather than a reset; closes the connection and returns the exception to throw.
     */
    static HandshakeException refuseBeforeHello(Connection c, int errno, String reason) {
        HandshakeException refused = refuse(c, errno, reason);
        try (Deadline ignored = Deadline.start(c, REFUSAL_DRAIN_TIME)) {
            ByteBuffer sink = ByteBuffer.allocate(4096);
            while (c.channel().read(sink.clear()) >= 0) {
                // dropped
            }
        } catch (IOException e) {
            // the peer is gone, or the drain time is over
        } finally {
            c.close();
        }
        return refused;
    }

    /** Sends REFUSE (best effort), ends the stream, logs, and returns the exception to throw. */
    private static HandshakeException refuse(Connection c, int errno, String reason) {
        LOG.log(System.Logger.Level.WARNING, "refused {0}: {1}", c.peer(), reason);
        try {
            c.send(FrameType.REFUSE, 0, 0, new Failure(errno, reason).encode());
        } catch (IOException e) {
            // the peer is gone; the refusal is logged here all the same
        }
        c.shutdownOutput();
        return new HandshakeException("refused " + c.peer() + ": " + reason, errno);
    }
}
