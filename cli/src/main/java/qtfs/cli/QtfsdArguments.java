package qtfs.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import qtfs.server.daemon.ClientLimits;
import qtfs.server.daemon.Liveness;
import qtfs.server.daemon.QtfsdConfig;
import qtfs.sys.AllowedCids;
import qtfs.transport.AcceptPolicy;
import qtfs.transport.Address;
import qtfs.transport.Heartbeat;
import qtfs.transport.AllowedUids;

/**
 * What a {@code qtfsd} command line (and its {@code --config} file) asks for. Settings come
 * from the config file first; the command line overrides them one by one, except
 * {@code --listen}: any {@code --listen} on the command line replaces the file's list.
 *
 * @param mode     what to do
 * @param config   the daemon configuration (null for HELP and VERSION)
 * @param logLevel the initial log level
 * @param liveness heartbeats and the grace period of a session whose client went away
 */
public record QtfsdArguments(Mode mode, QtfsdConfig config, LogLevel logLevel, Liveness liveness) {

    /** What the invocation asks for. */
    public enum Mode { RUN, CHECK, HELP, VERSION }

    private static final QtfsdConfig DEFAULTS = QtfsdConfig.defaults();
    private static final int MIN_FRAME_SIZE = QtfsdConfig.FRAME_HEADROOM + 4096;
    private static final int MAX_FRAME_SIZE_LIMIT = (64 << 20) + QtfsdConfig.FRAME_HEADROOM;

    static final OptionSpec LISTEN = OptionSpec.valued("listen", 'l', "ADDR",
            "listen on ADDR: unix:PATH, tcp:HOST:PORT, tcp:[IPV6]:PORT (TLS unless "
                    + "--insecure-tcp) or vsock:PORT (every local CID; vsock:CID:PORT for one); "
                    + "repeat for several (default: " + QtfsdConfig.DEFAULT_LISTEN + ")");
    static final OptionSpec TLS_DIR = OptionSpec.valued("tls-dir", '\0', "DIR",
            "where the TLS CA and server credential are, as 'qtfsd tls init' made them "
                    + "(default: " + AcceptPolicy.defaults().tlsDir() + ")");
    static final OptionSpec INSECURE_TCP = OptionSpec.flag("insecure-tcp", '\0',
            "listen on TCP without TLS: nothing is encrypted or authenticated, and anyone who "
                    + "can reach the port can use the exports (logged as a warning at every start)");
    static final OptionSpec ALLOW_UID = OptionSpec.valued("allow-uid", '\0', "UIDS",
            "users who may connect to the unix sockets, as uids: 0,1000; repeatable (default: 0, "
                    + "root only; naming others makes the socket file mode 0666, and each peer's uid is checked)");
    static final OptionSpec ALLOW_CID = OptionSpec.valued("allow-cid", '\0', "CIDS",
            "vsock peers that may connect, as CIDs: 3,4, or 'any'; repeatable; needed to listen on vsock");
    static final OptionSpec WHITELIST = OptionSpec.valued("whitelist", 'w', "FILE",
            "the whitelist of exported paths and allowed operations (default: " + QtfsdConfig.DEFAULT_WHITELIST + ")");
    static final OptionSpec CONFIG = OptionSpec.valued("config", 'c', "FILE",
            "read settings from FILE: 'key = value' lines, keys are the "
                    + "long options without dashes; the command line overrides them");
    static final OptionSpec WORKERS = OptionSpec.valued("workers", '\0', "N",
            "threads serving file-system requests, 1-" + QtfsdConfig.MAX_WORKER_THREADS
                    + " (default: " + QtfsdConfig.DEFAULT_WORKER_THREADS + ")");
    static final OptionSpec MAX_CONNECTIONS = OptionSpec.valued("max-connections", '\0', "N",
            "most client connections at once, 1-65536 (default: " + QtfsdConfig.DEFAULT_MAX_CONNECTIONS + ")");
    static final OptionSpec MAX_FRAME_SIZE = OptionSpec.valued("max-frame-size", '\0', "BYTES",
            "largest frame accepted from a client, in bytes or with a suffix K or M; "
                    + (MIN_FRAME_SIZE >> 10) + "K to " + (MAX_FRAME_SIZE_LIMIT >> 10) + "K (default: "
                    + (DEFAULTS.maxFrameSize() >> 10) + "K, 1 MiB of data plus headers)");
    static final OptionSpec MAX_OPEN_FILES = OptionSpec.valued("max-open-files", '\0', "N",
            "most files and directories one client mount may have open at once; an open beyond it fails with "
                    + "EMFILE (Too many open files), logged naming the client (default: " + ClientLimits.DEFAULT_OPEN_FILES + ")");
    static final OptionSpec MAX_IN_FLIGHT = OptionSpec.valued("max-in-flight", '\0', "N",
            "most requests of one client connection served at once; beyond it qtfsd reads no more of that "
                    + "connection's requests until some are answered (default: " + ClientLimits.DEFAULT_REQUESTS_IN_FLIGHT + ")");
    static final OptionSpec MAX_CONNECTION_MEMORY = OptionSpec.valued("max-connection-memory", '\0', "BYTES",
            "most memory the requests in flight of one client connection may hold, in bytes or with a suffix K or M; "
                    + "beyond it qtfsd reads no more of that connection's requests until some are answered (default: "
                    + (ClientLimits.DEFAULT_CONNECTION_MEMORY >> 20) + "M)");
    static final OptionSpec HEARTBEAT = OptionSpec.valued("heartbeat", '\0', "SECS",
            "ping a client connection silent this long; close it after " + Heartbeat.MISSED_LIMIT
                    + " such intervals, 0 never (default: " + Liveness.DEFAULT_HEARTBEAT.toSeconds() + ")");
    static final OptionSpec SESSION_GRACE = OptionSpec.valued("session-grace", '\0', "SECS",
            "keep a mount's open files and locks this long after its last connection dropped, for the client to "
                    + "come back (default: " + Liveness.DEFAULT_SESSION_GRACE.toSeconds() + ")");
    static final OptionSpec RUN_DIR = OptionSpec.valued("run-dir", '\0', "DIR",
            "directory of the single-instance lock (default: " + QtfsdConfig.DEFAULT_RUN_DIR + ")");
    static final OptionSpec LOG_LEVEL = OptionSpec.valued("log-level", '\0', "LEVEL",
            "ERROR, WARN, INFO or DEBUG (default: INFO)");
    static final OptionSpec CHECK = OptionSpec.flag("check", '\0',
            "check the settings and the whitelist, print them, and exit");
    static final OptionSpec HELP = OptionSpec.flag("help", 'h', "print this help and exit");
    static final OptionSpec VERSION = OptionSpec.flag("version", 'V', "print the version and exit");

    public static final List<OptionSpec> OPTIONS = List.of(LISTEN, WHITELIST, CONFIG, WORKERS, MAX_CONNECTIONS,
            MAX_FRAME_SIZE, MAX_OPEN_FILES, MAX_IN_FLIGHT, MAX_CONNECTION_MEMORY, HEARTBEAT, SESSION_GRACE, RUN_DIR, TLS_DIR, INSECURE_TCP, ALLOW_UID, ALLOW_CID, LOG_LEVEL, CHECK, HELP, VERSION);
    private static final int MAX_OPEN_FILES_LIMIT = 1 << 24;
    private static final int MAX_IN_FLIGHT_LIMIT = 65536;
    /** Longest heartbeat interval and grace period accepted: a day. */
    private static final long MAX_LIVENESS_SECONDS = 86400;
    /** The options that may also be set in a config file. */
    static final List<OptionSpec> FILE_SETTINGS = List.of(LISTEN, WHITELIST, WORKERS, MAX_CONNECTIONS,
            MAX_FRAME_SIZE, MAX_OPEN_FILES, MAX_IN_FLIGHT, MAX_CONNECTION_MEMORY, HEARTBEAT, SESSION_GRACE, RUN_DIR, TLS_DIR, INSECURE_TCP, ALLOW_UID, ALLOW_CID, LOG_LEVEL);
    /** Options that add up when repeated; given on the command line, they replace the config file's. */
    private static final List<OptionSpec> LISTS = List.of(LISTEN, ALLOW_UID, ALLOW_CID);

    public static QtfsdArguments parse(List<String> args) throws UsageException {
        ParsedArguments parsed = new ArgumentParser(OPTIONS).parse(args);
        if (parsed.has(HELP)) return new QtfsdArguments(Mode.HELP, null, LogLevel.INFO, null);
        if (parsed.has(VERSION)) return new QtfsdArguments(Mode.VERSION, null, LogLevel.INFO, null);
        if (!parsed.operands().isEmpty()) {
            throw new UsageException("unexpected argument '" + parsed.operands().getFirst()
                    + "' (qtfsd takes only options)");
        }
        List<Setting> settings = new ArrayList<>();
        Optional<ParsedArguments.Occurrence> config = parsed.last(CONFIG);
        if (config.isPresent()) {
            Path file = path(config.get().spelled(), config.get().value(), null);
            Path base = file.toAbsolutePath().getParent();
            for (ConfigFile.Entry e : ConfigFile.read(file)) {
                OptionSpec spec = FILE_SETTINGS.stream().filter(s -> s.longName().equals(e.key())).findFirst()
                        .orElseThrow(() -> new UsageException(e.where() + ": unknown setting '" + e.key()
                                + "' (known: " + String.join(", ",
                                        FILE_SETTINGS.stream().map(OptionSpec::longName).toList()) + ")"));
                settings.add(new Setting(spec, e.value(), e.where() + ": " + e.key(), base));
            }
        }
        for (OptionSpec list : LISTS) {
            if (parsed.has(list)) settings.removeIf(s -> s.spec == list);
        }
        for (ParsedArguments.Occurrence o : parsed.options()) {
            if (FILE_SETTINGS.contains(o.spec())) settings.add(new Setting(o.spec(), o.value(), o.spelled(), null));
        }
        return build(parsed.has(CHECK) ? Mode.CHECK : Mode.RUN, settings);
    }

    /** One setting to apply; {@code what} names it in errors, {@code base} resolves relative paths. */
    private record Setting(OptionSpec spec, String value, String what, Path base) {
    }

    private static QtfsdArguments build(Mode mode, List<Setting> settings) throws UsageException {
        List<Address> listen = new ArrayList<>();
        List<Setting> uids = new ArrayList<>();
        List<Setting> cids = new ArrayList<>();
        Map<OptionSpec, Setting> last = new LinkedHashMap<>();
        for (Setting s : settings) {
            if (s.spec == LISTEN) {
                listen.add(address(s.what, s.value));
            } else if (s.spec == ALLOW_UID) {
                uids.add(s);
            } else if (s.spec == ALLOW_CID) {
                cids.add(s);
            } else {
                last.put(s.spec, s);
            }
        }
        if (listen.isEmpty()) listen.addAll(DEFAULTS.listen());
        Path whitelist = DEFAULTS.whitelistFile();
        Path runDir = DEFAULTS.runDir();
        int workers = DEFAULTS.workerThreads();
        int maxConnections = DEFAULTS.maxConnections();
        int maxFrameSize = DEFAULTS.maxFrameSize();
        int maxOpenFiles = ClientLimits.DEFAULT_OPEN_FILES;
        int maxInFlight = ClientLimits.DEFAULT_REQUESTS_IN_FLIGHT;
        long maxConnectionMemory = ClientLimits.DEFAULT_CONNECTION_MEMORY;
        LogLevel logLevel = LogLevel.INFO;
        Duration heartbeat = Liveness.DEFAULT_HEARTBEAT;
        Duration grace = Liveness.DEFAULT_SESSION_GRACE;
        Path tlsDir = AcceptPolicy.defaults().tlsDir();
        boolean insecureTcp = false;
        for (Setting s : last.values()) {
            if (s.spec == WHITELIST) whitelist = path(s.what, s.value, s.base);
            else if (s.spec == RUN_DIR) runDir = path(s.what, s.value, s.base);
            else if (s.spec == WORKERS) workers = NumberOption.integer(s.what, s.value, 1, QtfsdConfig.MAX_WORKER_THREADS);
            else if (s.spec == MAX_CONNECTIONS) maxConnections = NumberOption.integer(s.what, s.value, 1, 65536);
            else if (s.spec == MAX_FRAME_SIZE) maxFrameSize = NumberOption.bytes(s.what, s.value, MIN_FRAME_SIZE, MAX_FRAME_SIZE_LIMIT);
            else if (s.spec == MAX_OPEN_FILES) maxOpenFiles = NumberOption.integer(s.what, s.value, 1, MAX_OPEN_FILES_LIMIT);
            else if (s.spec == MAX_IN_FLIGHT) maxInFlight = NumberOption.integer(s.what, s.value, 1, MAX_IN_FLIGHT_LIMIT);
            else if (s.spec == MAX_CONNECTION_MEMORY) {
                maxConnectionMemory = NumberOption.bytes(s.what, s.value, (int) ClientLimits.MIN_CONNECTION_MEMORY, Integer.MAX_VALUE);
            }
            else if (s.spec == LOG_LEVEL) logLevel = logLevel(s.what, s.value);
            else if (s.spec == TLS_DIR) tlsDir = path(s.what, s.value, s.base);
            else if (s.spec == INSECURE_TCP) insecureTcp = flag(s.what, s.value);
            else if (s.spec == HEARTBEAT) heartbeat = NumberOption.seconds(s.what, s.value, MAX_LIVENESS_SECONDS);
            else if (s.spec == SESSION_GRACE) grace = NumberOption.seconds(s.what, s.value, MAX_LIVENESS_SECONDS);
        }
        AcceptPolicy policy = new AcceptPolicy(tlsDir, insecureTcp, allowedUids(uids), allowedCids(cids));
        try {
            return new QtfsdArguments(mode,
                    new QtfsdConfig(List.copyOf(listen), whitelist, workers, maxConnections, maxFrameSize, runDir, policy,
                            new ClientLimits(maxOpenFiles, maxInFlight, maxConnectionMemory)),
                    logLevel, new Liveness(heartbeat, grace));
        } catch (IllegalArgumentException e) {
            // what the settings leave open, e.g. vsock without --allow-cid
            throw new UsageException(e.getMessage());
        }
    }

    /** The values of every --allow-uid, or root only. */
    private static AllowedUids allowedUids(List<Setting> given) throws UsageException {
        if (given.isEmpty()) return AllowedUids.ROOT;
        checkEach(given, AllowedUids.OPTION, AllowedUids::parse);
        return AllowedUids.parse(given.stream().map(Setting::value).toList());
    }

    private static Optional<AllowedCids> allowedCids(List<Setting> given) throws UsageException {
        if (given.isEmpty()) return Optional.empty();
        checkEach(given, AllowedCids.OPTION, AllowedCids::parse);
        return Optional.of(AllowedCids.parse(given.stream().map(Setting::value).toList()));
    }

    /** Parses each value alone, so that an error names where it came from ("qtfsd.conf:4: allow-uid 'x': ..."). */
    private static void checkEach(List<Setting> given, String option, java.util.function.Consumer<String> parse) throws UsageException {
        for (Setting s : given) {
            try {
                parse.accept(s.value);
            } catch (IllegalArgumentException e) {
                String message = e.getMessage();
                throw new UsageException(message.startsWith(option) ? s.what + message.substring(option.length()) : s.what + ": " + message);
            }
        }
    }

    /**
     * A flag given on the command line (no value), or in a config file: empty, yes/true/1 or
     * no/false/0.
     */
    private static boolean flag(String what, String value) throws UsageException {
        if (value == null) return true;
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "", "yes", "true", "1" -> true;
            case "no", "false", "0" -> false;
            default -> throw new UsageException(what + ": '" + value + "' is not yes or no");
        };
    }

    static Address address(String what, String text) throws UsageException {
        try {
            return Address.parse(text.trim());
        } catch (IllegalArgumentException e) {
            throw new UsageException(what + ": " + e.getMessage());
        }
    }

    static LogLevel logLevel(String what, String text) throws UsageException {
        try {
            return LogLevel.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(what + ": " + e.getMessage());
        }
    }

    /** A non-empty path; a relative one is taken relative to {@code base} (the config file's directory) if given. */
    static Path path(String what, String text, Path base) throws UsageException {
        if (text.isBlank()) throw new UsageException(what + ": the path is empty");
        try {
            Path p = Path.of(text.strip());
            return base != null && !p.isAbsolute() ? base.resolve(p) : p;
        } catch (InvalidPathException e) {
            throw new UsageException(what + ": '" + text + "' is not a valid path (" + e.getReason() + ")");
        }
    }
}
