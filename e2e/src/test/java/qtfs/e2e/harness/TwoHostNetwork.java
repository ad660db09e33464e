package qtfs.e2e.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two "hosts" on this machine: two network namespaces joined by a veth pair, the server at
 * {@value #SERVER_ADDRESS} and the client at {@value #CLIENT_ADDRESS} (TEST-NET-1, never
 * routed). Names carry this JVM's pid and a counter, so that parallel runs do not collide.
 * {@link #close()} deletes both namespaces (and with them the veth pair); a shutdown hook
 * does it if the JVM ends first.
 */
public final class TwoHostNetwork implements AutoCloseable {
    public static final String SERVER_ADDRESS = "192.0.2.1";
    public static final String CLIENT_ADDRESS = "192.0.2.2";
    /** The server's end of the veth pair, inside the server's namespace. */
    public static final String SERVER_LINK = "qtwh-srv";
    private static final String CLIENT_LINK = "qtwh-cli";
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final String serverNamespace;
    private final String clientNamespace;
    private final Thread cleanupHook;
    private boolean closed;

    private TwoHostNetwork(String prefix) {
        this.serverNamespace = prefix + "-server";
        this.clientNamespace = prefix + "-client";
        this.cleanupHook = new Thread(this::deleteNamespaces, prefix + "-cleanup");
    }

    /** Creates both namespaces, the veth pair between them, addresses, and brings the links up. */
    public static TwoHostNetwork create() {
        TwoHostNetwork net = new TwoHostNetwork("qtfs-twohost-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet());
        Runtime.getRuntime().addShutdownHook(net.cleanupHook);
        try {
            net.ip("netns", "add", net.serverNamespace);
            net.ip("netns", "add", net.clientNamespace);
            // made inside the server's namespace: the short interface names never meet others' in the host's
            net.ip("-n", net.serverNamespace, "link", "add", SERVER_LINK, "type", "veth", "peer", "name", CLIENT_LINK,
                    "netns", net.clientNamespace);
            net.ip("-n", net.serverNamespace, "addr", "add", SERVER_ADDRESS + "/24", "dev", SERVER_LINK);
            net.ip("-n", net.clientNamespace, "addr", "add", CLIENT_ADDRESS + "/24", "dev", CLIENT_LINK);
            for (String ns : List.of(net.serverNamespace, net.clientNamespace)) net.ip("-n", ns, "link", "set", "lo", "up");
            net.ip("-n", net.serverNamespace, "link", "set", SERVER_LINK, "up");
            net.ip("-n", net.clientNamespace, "link", "set", CLIENT_LINK, "up");
        } catch (RuntimeException | AssertionError e) {
            net.close();
            throw e;
        }
        return net;
    }

    /**
     * argv run inside the server's namespace. {@code ip netns exec} also gives the program a
     * mount namespace of its own (to mount the namespace's /sys), which a server does not mind.
     */
    public List<String> onServer(List<String> argv) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", serverNamespace));
        all.addAll(argv);
        return all;
    }

    /**
     * argv run inside the client's network namespace only: unlike {@code ip netns exec}, nsenter
     * keeps the host's mount namespace, so a FUSE mount made there is the host's.
     */
    public List<String> onClient(List<String> argv) {
        List<String> all = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + clientNamespace, "--"));
        all.addAll(argv);
        return all;
    }

    /** Takes the server's end of the link down (the cable pulled) or brings it back up. */
    public void serverLink(boolean up) {
        ip("-n", serverNamespace, "link", "set", SERVER_LINK, up ? "up" : "down");
    }

    public String serverNamespace() {
        return serverNamespace;
    }

    public String clientNamespace() {
        return clientNamespace;
    }

    private void ip(String... args) {
        List<String> argv = new ArrayList<>(List.of("ip"));
        argv.addAll(List.of(args));
        Command.of(argv).timeout(IP_TIMEOUT).run().requireSuccess();
    }

    private void deleteNamespaces() {
        for (String ns : List.of(clientNamespace, serverNamespace)) {
            // fails harmlessly for a namespace never made or already gone
            Command.of("ip", "netns", "delete", ns).timeout(IP_TIMEOUT).run();
        }
    }

    /** Deletes both namespaces; the veth pair goes with them. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        deleteNamespaces();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway, deleting nothing twice matters not
        }
    }
}
