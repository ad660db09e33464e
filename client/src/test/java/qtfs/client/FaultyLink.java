package qtfs.client;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import qtfs.transport.Address;

/**
 * A relay between a client and qtfsd on unix sockets that the test can break: {@link #cut()}
 * closes every connection through it (as a reset link does), {@link #freeze()} stops carrying
 * bytes without closing anything (as a pulled cable or a stopped peer: only a heartbeat
 * notices), {@link #thaw()} carries them again. Connections made while frozen wait too.
 * {@link #holdReplies()} freezes only what the server sends: its requests arrive, their
 * answers do not.
 */
final class FaultyLink implements AutoCloseable {
    final Address.Unix address;
    private final Address.Unix target;
    private final ServerSocketChannel listener;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private boolean frozen;
    private boolean repliesHeld;
    private volatile boolean closed;
    private final Thread acceptor;
    private final AtomicLong accepted = new AtomicLong();

    FaultyLink(Address.Unix address, Address.Unix target) throws IOException {
        this.address = address;
        this.target = target;
        Files.deleteIfExists(address.path());
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(address.path()));
        acceptor = Thread.ofPlatform().name("faulty-link-accept").daemon().start(this::accept);
    }

    private void accept() {
        while (!closed) {
            try {
                SocketChannel client = listener.accept();
                open.add(client);
                accepted.incrementAndGet();
                Thread.ofVirtual().start(() -> relay(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void relay(SocketChannel client) {
        SocketChannel server = null;
        try {
            awaitThaw(false);
            server = SocketChannel.open(UnixDomainSocketAddress.of(target.path()));
            open.add(server);
            SocketChannel s = server;
            Thread back = Thread.ofVirtual().start(() -> pump(s, client, true));
            pump(client, server, false);
            back.join();
        } catch (IOException | InterruptedException e) {
            // the relay ends with either side
        } finally {
            closeQuietly(client);
            if (server != null) closeQuietly(server);
        }
    }

    private void pump(SocketChannel from, SocketChannel to, boolean toClient) {
        ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
        try {
            while (from.read(buffer) >= 0) {
                awaitThaw(toClient);
                buffer.flip();
                while (buffer.hasRemaining()) to.write(buffer);
                buffer.clear();
            }
        } catch (IOException | InterruptedException e) {
            // a side closed or was cut
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void awaitThaw(boolean toClient) throws InterruptedException {
        synchronized (gate) {
            while ((frozen || (toClient && repliesHeld)) && !closed) gate.wait();
        }
    }

    /** Connections made through the link so far. */
    long accepted() {
        return accepted.get();
    }

    /** Closes every connection carried so far; new ones are carried as before. */
    void cut() {
        for (SocketChannel c : open) closeQuietly(c);
    }

    void freeze() {
        synchronized (gate) {
            frozen = true;
        }
    }

    void holdReplies() {
        synchronized (gate) {
            repliesHeld = true;
        }
    }

    void thaw() {
        synchronized (gate) {
            frozen = false;
            repliesHeld = false;
            gate.notifyAll();
        }
    }

    private void closeQuietly(SocketChannel c) {
        open.remove(c);
        try {
            c.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        thaw();
        listener.close();
        cut();
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(address.path());
    }
}
