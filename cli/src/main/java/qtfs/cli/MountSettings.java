package qtfs.cli;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import qtfs.client.ClientOptions;
import qtfs.client.ProcMode;
import qtfs.client.Recovery;
import qtfs.transport.Address;
import qtfs.transport.Heartbeat;
import qtfs.transport.ClientTls;

/**
 * A qtfs mount as asked for by {@code qtfs mount} or {@code mount.qtfs}: the client
 * options, plus what only the command layer uses (log level, log file of a background
 * mount).
 *
 * @param client   what to mount where, and how
 * @param logLevel the initial log level of the mount daemon
 * @param logFile  where a background mount writes its log, or empty for the default
 * @param recovery heartbeats, and whether requests wait for a lost server (hard) or fail after a time (soft)
 */
public record MountSettings(ClientOptions client, LogLevel logLevel, Optional<Path> logFile, Recovery recovery) {

    private static final int MAX_FUSE_THREADS = 64;
    private static final long MAX_TIMEOUT_SECONDS = 86_400;

    /**
     * One {@code -o} option of qtfs.
     *
     * @param key         the option name
     * @param valueName   placeholder of its value in help, or null for a flag
     * @param description what it does, with its default
     */
    public record Option(String key, String valueName, String description) {
        String synopsis() {
            return valueName == null ? key : key + "=" + valueName;
        }
    }

    public static final List<Option> OPTIONS = List.of(
            new Option("server", "ADDR", "the qtfsd to use (required): unix:PATH, tcp:HOST:PORT, tcp:[IPV6]:PORT "
                    + "(TLS unless insecure) or vsock:CID:PORT (CID 2: the host of this VM)"),
            new Option("cert", "FILE", "for tcp: the TLS credential the server issued to this client with "
                    + "'qtfsd tls issue' (default: " + ClientTls.DEFAULT_CREDENTIAL + ")"),
            new Option("insecure", null, "for tcp: plain TCP without TLS, to a qtfsd started with --insecure-tcp; "
                    + "nothing is encrypted or authenticated (warns at every mount)"),
            new Option("conns", "N", "connections to the server, 1-" + ClientOptions.MAX_CONNECTIONS + " (default: "
                    + ClientOptions.DEFAULT_CONNECTIONS + ")"),
            new Option("threads", "N", "threads reading FUSE requests, 1-" + MAX_FUSE_THREADS + " (default: "
                    + ClientOptions.DEFAULT_FUSE_THREADS + ")"),
            new Option("attr_timeout", "SECS", "how long the kernel caches file attributes, 0 disables it "
                    + "(default: " + seconds(ClientOptions.DEFAULT_TIMEOUT) + "); changes made on the server show at once "
                    + "(qtfsd announces them), or within at most 1 s on file systems it cannot watch"),
            new Option("entry_timeout", "SECS", "how long the kernel caches name lookups, 0 disables it (default: "
                    + seconds(ClientOptions.DEFAULT_TIMEOUT) + ")"),
            new Option("allow_other", null, "let users other than the mounting one use the mount"),
            new Option("ro", null, "mount read-only"),
            new Option("rw", null, "mount read-write (the default)"),
            new Option("heartbeat", "SECS", "ping a connection silent this long; after " + Heartbeat.MISSED_LIMIT
                    + " silent intervals the server counts as lost and the client reconnects, 0 never (default: "
                    + seconds(Recovery.DEFAULT_HEARTBEAT) + ")"),
            new Option("hard", null, "while the server is lost, requests wait for it (the default)"),
            new Option("soft", null, "while the server is lost, requests fail with EIO after timeo seconds"),
            new Option("timeo", "SECS", "how long requests of a soft mount wait for a lost server (default: "
                    + seconds(Recovery.DEFAULT_TIMEOUT) + ")"),
            new Option("proc", null, "proc mode, for a mount of the server's /proc: self and thread-self lead to the "
                    + "calling process in the client's own proc (at local_proc), mounts to 1/mounts (the server's mount table)"),
            new Option("local_proc", "PATH", "proc mode: where the client's own proc is mounted (default: "
                    + ProcMode.DEFAULT_LOCAL_PROC + "; prepare it with 'mount -t proc proc " + ProcMode.DEFAULT_LOCAL_PROC + "')"),
            new Option("local_processes", "NAME[:NAME]...", "proc mode: client processes (by name, as in /proc/PID/comm) "
                    + "whose /proc/PID leads to the client's own proc, e.g. dockerd:containerd"),
            new Option("fifo", "MODE", "stream: FIFOs on the server connect processes on both sides, opened, read, written and "
                    + "polled on the server (the default); local: FIFOs are local special files of this host"),
            new Option("log_level", "LEVEL", "ERROR, WARN, INFO or DEBUG (default: INFO)"),
            new Option("log", "FILE", "log file of a background mount (default: /run/qtfs/mount-MOUNTPOINT.log)"));

    /**
     * Options that mount(8) and fstab pass to every helper and that mean nothing to qtfs;
     * {@code mount.qtfs} accepts and ignores them (plus any {@code x-*} and {@code comment=*}).
     */
    public static final Set<String> MOUNT_GENERIC_OPTIONS = Set.of(
            "defaults", "auto", "noauto", "user", "nouser", "users", "owner", "group", "_netdev", "nofail");

    /** What every qtfs mount is anyway (FUSE mounts are nosuid,nodev): accepted and ignored. */
    public static final Set<String> INHERENT_OPTIONS = Set.of("nosuid", "nodev", "exec", "async", "relatime");

    /** Kernel mount flags a qtfs mount cannot honour: refused by name rather than silently dropped. */
    static final Set<String> UNSUPPORTED_OPTIONS = Set.of("noexec", "suid", "dev", "sync", "dirsync", "noatime",
            "atime", "strictatime", "lazytime", "nodiratime", "mand", "remount", "bind", "rbind", "move");

    /** How strictly unknown options are treated. */
    public enum Strictness {
        /** {@code qtfs mount}: every option must be one of {@link #OPTIONS}. */
        STRICT,
        /** {@code mount.qtfs}: also accept and ignore {@link #MOUNT_GENERIC_OPTIONS}. */
        MOUNT_HELPER,
        /** {@code mount.qtfs -s}: ignore unknown options too, with a warning. */
        SLOPPY
    }

    /**
     * @param serverPath   the absolute path on the server to mount
     * @param mountpoint   the local directory (made absolute)
     * @param optionTexts  the values of every {@code -o}, in order; a later option overrides an earlier one
     * @param warnings     receives a line per ignored unknown option (SLOPPY only), and the warning of the insecure option
     */
    public static MountSettings parse(String serverPath, String mountpoint, List<String> optionTexts,
            Strictness strictness, Consumer<String> warnings) throws UsageException {
        if (serverPath.isEmpty() || !serverPath.startsWith("/")) {
            throw new UsageException("server path '" + serverPath + "' must be absolute (start with '/')");
        }
        if (serverPath.indexOf('\0') >= 0 || serverPath.contains(",")) {
            throw new UsageException("server path '" + serverPath + "' must not contain commas or NUL characters");
        }
        Path mp = QtfsdArguments.path("mount point", mountpoint, null).toAbsolutePath().normalize();
        Address server = null;
        int conns = ClientOptions.DEFAULT_CONNECTIONS;
        int threads = ClientOptions.DEFAULT_FUSE_THREADS;
        Duration attr = ClientOptions.DEFAULT_TIMEOUT;
        Duration entry = ClientOptions.DEFAULT_TIMEOUT;
        boolean allowOther = false;
        boolean readOnly = false;
        LogLevel level = LogLevel.INFO;
        Path log = null;
        Duration heartbeat = Recovery.DEFAULT_HEARTBEAT;
        boolean hard = true;
        Duration timeo = Recovery.DEFAULT_TIMEOUT;
        Path cert = null;
        boolean insecure = false;
        boolean proc = false;
        Path localProc = null;
        List<String> localProcesses = null;
        boolean localFifos = false;
        for (String text : optionTexts) {
            for (MountOptionList.Item item : MountOptionList.parse(text)) {
                String what = "mount option '" + item.key() + "'";
                switch (item.key()) {
                    case "server" -> server = absolute(QtfsdArguments.address(what, value(item)));
                    case "conns" -> conns = NumberOption.integer(what, value(item), 1, ClientOptions.MAX_CONNECTIONS);
                    case "threads" -> threads = NumberOption.integer(what, value(item), 1, MAX_FUSE_THREADS);
                    case "attr_timeout" -> attr = NumberOption.seconds(what, value(item), MAX_TIMEOUT_SECONDS);
                    case "entry_timeout" -> entry = NumberOption.seconds(what, value(item), MAX_TIMEOUT_SECONDS);
                    case "allow_other" -> allowOther = flag(item, true);
                    case "ro" -> readOnly = flag(item, true);
                    case "rw" -> readOnly = flag(item, false);
                    case "heartbeat" -> heartbeat = NumberOption.seconds(what, value(item), MAX_TIMEOUT_SECONDS);
                    case "hard" -> hard = flag(item, true);
                    case "soft" -> hard = flag(item, false);
                    case "timeo" -> {
                        timeo = NumberOption.seconds(what, value(item), MAX_TIMEOUT_SECONDS);
                        if (timeo.isZero()) throw new UsageException(what + ": must be more than 0 seconds");
                    }
                    case "log_level" -> level = QtfsdArguments.logLevel(what, value(item));
                    case "log" -> log = QtfsdArguments.path(what, value(item), null).toAbsolutePath();
                    case "cert" -> cert = QtfsdArguments.path(what, value(item), null).toAbsolutePath();
                    case "insecure" -> insecure = flag(item, true);
                    case "proc" -> proc = flag(item, true);
                    case "local_proc" -> localProc = QtfsdArguments.path(what, value(item), null).toAbsolutePath().normalize();
                    case "local_processes" -> localProcesses = processNames(what, value(item));
                    case "fifo" -> localFifos = fifoMode(what, value(item));
                    default -> {
                        if (INHERENT_OPTIONS.contains(item.key()) && item.value() == null) continue;
                        if (strictness != Strictness.STRICT && isMountGeneric(item.key())) continue;
                        if (strictness == Strictness.SLOPPY) {
                            warnings.accept(UNSUPPORTED_OPTIONS.contains(item.key())
                                    ? "ignoring mount option '" + item + "' (not supported by qtfs)"
                                    : "ignoring unknown mount option '" + item + "'");
                            continue;
                        }
                        if (UNSUPPORTED_OPTIONS.contains(item.key())) {
                            throw new UsageException("mount option '" + item.key() + "' is not supported by qtfs"
                                    + (item.key().equals("remount") ? " (unmount and mount again)" : ""));
                        }
                        throw new UsageException("unknown mount option '" + item.key() + "' (known: "
                                + String.join(", ", OPTIONS.stream().map(Option::key).toList()) + ")");
                    }
                }
            }
        }
        if (server == null) {
            throw new UsageException("missing mount option 'server' (e.g. -o server=unix:/run/qtfs/qtfsd.sock)");
        }
        if (server instanceof Address.Vsock vsock && vsock.cid() == qtfs.sys.Vsock.VMADDR_CID_ANY) {
            throw new UsageException("mount option 'server': " + vsock + " names no server: write vsock:CID:PORT, e.g. vsock:"
                    + qtfs.sys.Vsock.VMADDR_CID_HOST + ":" + Integer.toUnsignedString(vsock.port()) + " for the host of this VM");
        }
        ClientTls tls = tls(server, cert, insecure, warnings);
        ProcMode procMode = procMode(proc, localProc, localProcesses);
        return new MountSettings(new ClientOptions(server, serverPath, mp, conns, threads, attr, entry,
                allowOther, readOnly, tls, procMode, localFifos), level, Optional.ofNullable(log), new Recovery(heartbeat, hard, timeo));
    }

    private static ProcMode procMode(boolean proc, Path localProc, List<String> localProcesses) throws UsageException {
        if (!proc) {
            if (localProc != null || localProcesses != null) {
                throw new UsageException("mount option '" + (localProc != null ? "local_proc" : "local_processes")
                        + "' belongs to proc mode: add the mount option 'proc'");
            }
            return ProcMode.OFF;
        }
        return ProcMode.on(localProc != null ? localProc : ProcMode.DEFAULT_LOCAL_PROC,
                localProcesses != null ? localProcesses : List.of());
    }

    /** NAME[:NAME]...: process names as /proc/PID/comm shows them. */
    private static List<String> processNames(String what, String value) throws UsageException {
        List<String> names = new ArrayList<>();
        for (String name : value.split(":", -1)) {
            if (name.isEmpty() || name.indexOf('/') >= 0) {
                throw new UsageException(what + ": '" + value + "' is not a list of process names (NAME[:NAME]..., "
                        + "e.g. dockerd:containerd)");
            }
            names.add(name);
        }
        return names;
    }

    /**
     * TLS settings for a TCP server; cert and insecure mean nothing to unix and vsock
     * connections, and are refused there rather than ignored.
     */
    private static ClientTls tls(Address server, Path cert, boolean insecure, Consumer<String> warnings) throws UsageException {
        if (!(server instanceof Address.Tcp)) {
            if (cert != null || insecure) {
                throw new UsageException("mount option '" + (insecure ? "insecure" : "cert") + "' is for tcp: servers only ("
                        + server + " is not TLS)");
            }
            return ClientTls.defaults();
        }
        if (insecure) {
            if (cert != null) throw new UsageException("mount options 'cert' and 'insecure' exclude each other");
            warnings.accept("warning: mount option insecure: the connection to " + server
                    + " is plain TCP, neither encrypted nor authenticated");
            return ClientTls.plainTcp();
        }
        return cert == null ? ClientTls.defaults() : ClientTls.withCredential(cert);
    }

    /** The mount daemon runs in {@code /}: a relative socket path must not depend on where qtfs was started. */
    private static Address absolute(Address address) {
        return address instanceof Address.Unix unix && !unix.path().isAbsolute()
                ? new Address.Unix(unix.path().toAbsolutePath().normalize()) : address;
    }

    private static boolean isMountGeneric(String key) {
        return MOUNT_GENERIC_OPTIONS.contains(key) || key.startsWith("x-") || key.equals("comment");
    }

    private static String value(MountOptionList.Item item) throws UsageException {
        if (item.value() == null || item.value().isEmpty()) {
            String valueName = OPTIONS.stream().filter(o -> o.key().equals(item.key())).findFirst()
                    .map(Option::valueName).orElse("VALUE");
            throw new UsageException("mount option '" + item.key() + "' needs a value (" + item.key() + "="
                    + valueName + ")");
        }
        return item.value();
    }

    /** fifo=local (true) or fifo=stream (false). */
    private static boolean fifoMode(String what, String value) throws UsageException {
        return switch (value) {
            case "local" -> true;
            case "stream" -> false;
            default -> throw new UsageException(what + ": 'stream' or 'local', not '" + value + "'");
        };
    }

    private static boolean flag(MountOptionList.Item item, boolean result) throws UsageException {
        if (item.value() != null) {
            throw new UsageException("mount option '" + item.key() + "' takes no value (found '" + item + "')");
        }
        return result;
    }

    /** The {@code -o} string that {@link #parse} turns back into these settings. */
    public String optionString() {
        List<String> items = new ArrayList<>();
        items.add("server=" + client.server());
        if (client.server() instanceof Address.Tcp) items.add(client.tls().insecure() ? "insecure" : "cert=" + client.tls().credential());
        items.add("conns=" + client.connections());
        items.add("threads=" + client.fuseThreads());
        items.add("attr_timeout=" + seconds(client.attrTimeout()));
        items.add("entry_timeout=" + seconds(client.entryTimeout()));
        if (client.allowOther()) items.add("allow_other");
        items.add(client.readOnly() ? "ro" : "rw");
        items.add("heartbeat=" + seconds(recovery.heartbeat()));
        items.add(recovery.hard() ? "hard" : "soft");
        items.add("timeo=" + seconds(recovery.timeout()));
        if (client.procMode().enabled()) {
            items.add("proc");
            items.add("local_proc=" + client.procMode().localProc());
            if (!client.procMode().localProcesses().isEmpty())
                items.add("local_processes=" + String.join(":", client.procMode().localProcesses()));
        }
        items.add("fifo=" + (client.localFifos() ? "local" : "stream"));
        items.add("log_level=" + logLevel);
        logFile.ifPresent(f -> items.add("log=" + f));
        return String.join(",", items);
    }

    static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString();
    }

    /** Help lines for the {@code -o} options. */
    public static String optionHelp() {
        return HelpFormatter.table(OPTIONS.stream().map(o -> new String[] {o.synopsis(), o.description()}).toList());
    }
}
