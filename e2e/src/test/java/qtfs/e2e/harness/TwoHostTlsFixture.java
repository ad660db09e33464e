package qtfs.e2e.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * qtfs between two hosts: {@code qtfsd} in one network namespace listening on TLS at
 * {@link TwoHostNetwork#SERVER_ADDRESS}, the {@code qtfs mount} process in another, the two
 * joined by a veth pair. The credentials are made as a user makes them ({@code qtfsd tls
 * init}, {@code qtfsd tls issue}). The mount itself is in the host's mount namespace, where
 * the tests use it.
 */
public final class TwoHostTlsFixture extends MountFixture {
    private static final Pattern READY = Pattern.compile("qtfsd: ready, listening on (tcp:\\S+)");
    private static final String CLIENT_NAME = "twohost-client";

    private final List<String> serverOptions;
    private final String mountOptions;
    private TwoHostNetwork network;
    private DaemonProcess server;
    private DaemonProcess client;
    private String serverAddress;
    private Path credential;
    private Path export;
    private Path mountPoint;

    private TwoHostTlsFixture(List<String> serverOptions, String mountOptions) {
        this.serverOptions = List.copyOf(serverOptions);
        this.mountOptions = mountOptions;
    }

    /**
     * Default heartbeats, a hard mount, attribute and entry timeouts of 1 s and local FIFOs (as
     * {@link QtfsFixture}: the suites compare with a local directory, where a FIFO is a FIFO).
     */
    public static TwoHostTlsFixture standard() {
        return new TwoHostTlsFixture(List.of(), "attr_timeout=1,entry_timeout=1,fifo=local");
    }

    /** With extra qtfsd options (e.g. {@code --heartbeat 2}) and extra {@code -o} mount options. */
    public static TwoHostTlsFixture with(List<String> serverOptions, String mountOptions) {
        return new TwoHostTlsFixture(serverOptions, mountOptions);
    }

    @Override
    public String name() {
        return "qtfs-twohost-tls";
    }

    @Override
    protected void startIn(ScratchDir scratch) {
        network = TwoHostNetwork.create();
        export = scratch.newDirectory("export");
        Path tls = scratch.newDirectory("tls");
        credential = tls.resolve("client.pem");
        Command.of(QtfsFixture.java(QtfsFixture.DAEMON_MAIN, "tls", "init", "--name", TwoHostNetwork.SERVER_ADDRESS, "--dir", tls.toString()))
                .runOk();
        Command.of(QtfsFixture.java(QtfsFixture.DAEMON_MAIN, "tls", "issue", CLIENT_NAME, "-o", credential.toString(), "--dir",
                tls.toString())).runOk();
        Path whitelist = QtfsFixture.writeWhitelist(scratch.path().resolve("whitelist"), List.of(export));
        List<String> daemonArgs = new ArrayList<>(List.of("--listen", "tcp:" + TwoHostNetwork.SERVER_ADDRESS + ":0", "--tls-dir",
                tls.toString(), "--whitelist", whitelist.toString(), "--run-dir", scratch.newDirectory("run").toString()));
        daemonArgs.addAll(serverOptions);
        server = startDaemon("qtfsd", network.onServer(QtfsFixture.java(QtfsFixture.DAEMON_MAIN, daemonArgs.toArray(String[]::new))));
        server.awaitLine("qtfsd: ready", START_TIMEOUT);
        Matcher ready = READY.matcher(server.log());
        if (!ready.find()) throw new AssertionError("qtfsd did not name its TCP address\n" + server.describe());
        serverAddress = ready.group(1);
        mountPoint = scratch.newDirectory("mnt");
        client = startDaemon("qtfs-mount", network.onClient(QtfsFixture.java(QtfsFixture.CLIENT_MAIN, "mount", "-f", "-o",
                "server=" + serverAddress + ",cert=" + credential + ",allow_other," + mountOptions, export.toString(),
                mountPoint.toString())));
        awaitMount(client, mountPoint);
    }

    @Override
    protected void afterDaemonsStopped() {
        if (network != null) network.close();
    }

    public TwoHostNetwork network() {
        return network;
    }

    public DaemonProcess server() {
        return server;
    }

    public DaemonProcess client() {
        return client;
    }

    /** The credential the client mounts with ({@code cert=}). */
    public Path credential() {
        return credential;
    }

    /** The address the client mounts from, e.g. {@code tcp:192.0.2.1:40123}. */
    public String serverAddress() {
        return serverAddress;
    }

    @Override
    public Path mountPoint() {
        return mountPoint;
    }

    @Override
    public Path exportDir() {
        return export;
    }

    @Override
    public Duration attributeTimeout() {
        return Duration.ofSeconds(1);
    }
}
