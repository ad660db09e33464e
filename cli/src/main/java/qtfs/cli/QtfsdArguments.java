package qtfs.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import qtfs.server.daemon.QtfsdConfig;
import qtfs.transport.Address;

/**
 * What a {@code qtfsd} command line (and its {@code --config} file) asks for. Settings come
 * from the config file first; the command line overrides them one by one, except
 * {@code --listen}: any {@code --listen} on the command line replaces the file's list.
 *
 * @param mode     what to do
 * @param config   the daemon configuration (null for HELP and VERSION)
 * @param logLevel the initial log level
 */
public record QtfsdArguments(Mode mode, QtfsdConfig config, LogLevel logLevel) {

    /** What the invocation asks for. */
    public enum Mode { RUN, CHECK, HELP, VERSION }

    private static final QtfsdConfig DEFAULTS = QtfsdConfig.defaults();
    private static final int MIN_FRAME_SIZE = QtfsdConfig.FRAME_HEADROOM + 4096;
    private static final int MAX_FRAME_SIZE_LIMIT = (64 << 20) + QtfsdConfig.FRAME_HEADROOM;

    static final OptionSpec LISTEN = OptionSpec.valued("listen", 'l', "ADDR",
            "listen on ADDR: unix:PATH, tcp:HOST:PORT or tcp:[IPV6]:PORT; "
                    + "repeat for several (default: " + QtfsdConfig.DEFAULT_LISTEN + ")");
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
    static final OptionSpec RUN_DIR = OptionSpec.valued("run-dir", '\0', "DIR",
            "directory of the single-instance lock (default: " + QtfsdConfig.DEFAULT_RUN_DIR + ")");
    static final OptionSpec LOG_LEVEL = OptionSpec.valued("log-level", '\0', "LEVEL",
            "ERROR, WARN, INFO or DEBUG (default: INFO)");
    static final OptionSpec CHECK = OptionSpec.flag("check", '\0',
            "check the settings and the whitelist, print them, and exit");
    static final OptionSpec HELP = OptionSpec.flag("help", 'h', "print this help and exit");
    static final OptionSpec VERSION = OptionSpec.flag("version", 'V', "print the version and exit");

    public static final List<OptionSpec> OPTIONS = List.of(LISTEN, WHITELIST, CONFIG, WORKERS, MAX_CONNECTIONS,
            MAX_FRAME_SIZE, RUN_DIR, LOG_LEVEL, CHECK, HELP, VERSION);
    /** The options that may also be set in a config file. */
    static final List<OptionSpec> FILE_SETTINGS = List.of(LISTEN, WHITELIST, WORKERS, MAX_CONNECTIONS,
            MAX_FRAME_SIZE, RUN_DIR, LOG_LEVEL);

    public static QtfsdArguments parse(List<String> args) throws UsageException {
        ParsedArguments parsed = new ArgumentParser(OPTIONS).parse(args);
        if (parsed.has(HELP)) return new QtfsdArguments(Mode.HELP, null, LogLevel.INFO);
        if (parsed.has(VERSION)) return new QtfsdArguments(Mode.VERSION, null, LogLevel.INFO);
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
        boolean listenOnCommandLine = parsed.has(LISTEN);
        if (listenOnCommandLine) settings.removeIf(s -> s.spec == LISTEN);
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
        Map<OptionSpec, Setting> last = new LinkedHashMap<>();
        for (Setting s : settings) {
            if (s.spec == LISTEN) {
                listen.add(address(s.what, s.value));
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
        LogLevel logLevel = LogLevel.INFO;
        for (Setting s : last.values()) {
            if (s.spec == WHITELIST) whitelist = path(s.what, s.value, s.base);
            else if (s.spec == RUN_DIR) runDir = path(s.what, s.value, s.base);
            else if (s.spec == WORKERS) workers = NumberOption.integer(s.what, s.value, 1, QtfsdConfig.MAX_WORKER_THREADS);
            else if (s.spec == MAX_CONNECTIONS) maxConnections = NumberOption.integer(s.what, s.value, 1, 65536);
            else if (s.spec == MAX_FRAME_SIZE) maxFrameSize = NumberOption.bytes(s.what, s.value, MIN_FRAME_SIZE, MAX_FRAME_SIZE_LIMIT);
            else if (s.spec == LOG_LEVEL) logLevel = logLevel(s.what, s.value);
        }
        return new QtfsdArguments(mode,
                new QtfsdConfig(List.copyOf(listen), whitelist, workers, maxConnections, maxFrameSize, runDir),
                logLevel);
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
