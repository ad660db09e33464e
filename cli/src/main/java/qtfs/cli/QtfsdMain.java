package qtfs.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import qtfs.server.daemon.Qtfsd;
import qtfs.server.daemon.QtfsdConfig;
import qtfs.server.daemon.QtfsdException;
import qtfs.server.whitelist.Section;
import qtfs.server.whitelist.Whitelist;
import qtfs.server.whitelist.WhitelistException;
import qtfs.transport.AcceptPolicy;
import qtfs.transport.Address;

/** {@code qtfsd}: the qtfs server daemon, in the foreground, logging to standard error. */
public final class QtfsdMain {
    static final String PROGRAM = "qtfsd";

    private QtfsdMain() {
    }

    public static void main(String[] args) {
        DaemonLogging.prepare();
        System.exit(run(List.of(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (!args.isEmpty() && args.getFirst().equals("tls")) return TlsCommand.run(args.subList(1, args.size()), out, err);
        QtfsdArguments arguments;
        try {
            arguments = QtfsdArguments.parse(args);
        } catch (UsageException e) {
            err.println(PROGRAM + ": " + e.getMessage());
            err.println("Try '" + PROGRAM + " --help' for more information.");
            return ExitStatus.USAGE;
        }
        return switch (arguments.mode()) {
            case HELP -> {
                out.print(help());
                yield ExitStatus.OK;
            }
            case VERSION -> {
                out.println(Version.line(PROGRAM));
                yield ExitStatus.OK;
            }
            case CHECK -> check(arguments, out, err);
            case RUN -> serve(arguments, out, err);
        };
    }

    private static int check(QtfsdArguments arguments, PrintStream out, PrintStream err) {
        QtfsdConfig c = arguments.config();
        Whitelist whitelist;
        try {
            whitelist = Whitelist.load(c.whitelistFile());
        } catch (WhitelistException e) {
            err.println(PROGRAM + ": " + e.getMessage());
            return ExitStatus.FAILURE;
        }
        row(out, "listen", join(c.listen()));
        row(out, "whitelist", c.whitelistFile());
        row(out, "workers", c.workerThreads());
        row(out, "max-connections", c.maxConnections());
        row(out, "max-frame-size", c.maxFrameSize());
        row(out, "max-open-files", c.limits().openFiles());
        row(out, "max-in-flight", c.limits().requestsInFlight());
        row(out, "max-connection-memory", c.limits().connectionMemory());
        row(out, "heartbeat", MountSettings.seconds(arguments.liveness().heartbeat()));
        row(out, "session-grace", MountSettings.seconds(arguments.liveness().sessionGrace()));
        row(out, "run-dir", c.runDir());
        AcceptPolicy policy = c.acceptPolicy();
        row(out, "tcp", policy.insecureTcp() ? "plain TCP (--insecure-tcp): neither encrypted nor authenticated"
                : "TLS 1.3 with client certificates, credential " + policy.serverCredential());
        row(out, "allow-uid", policy.allowedUids());
        row(out, "allow-cid", policy.allowedCids().map(Object::toString).orElse("(none: no vsock peers)"));
        row(out, "log-level", arguments.logLevel());
        // the exports first: they are what a reader looks for
        List<Section> sections = new ArrayList<>(List.of(Section.values()));
        sections.remove(Section.MOUNT);
        sections.addFirst(Section.MOUNT);
        for (Section section : sections) {
            List<String> paths = whitelist.paths(section);
            row(out, "[" + section.title + "]", paths.isEmpty() ? "(none: denied everywhere)" : String.join(";", paths));
        }
        return ExitStatus.OK;
    }

    private static int serve(QtfsdArguments arguments, PrintStream out, PrintStream err) {
        DaemonLogging.install(PROGRAM, arguments.logLevel(), err);
        AtomicReference<Qtfsd> running = new AtomicReference<>();
        Thread hook = new Thread(() -> {
            Qtfsd daemon = running.get();
            if (daemon != null) daemon.close();
        }, "qtfsd-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Qtfsd daemon;
        try {
            daemon = Qtfsd.start(arguments.config(), arguments.liveness());
        } catch (QtfsdException e) {
            err.println(PROGRAM + ": " + e.getMessage());
            return ExitStatus.FAILURE;
        }
        running.set(daemon);
        out.println(PROGRAM + ": ready, listening on " + join(daemon.boundAddresses()));
        out.flush();
        try {
            daemon.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        daemon.close();
        return ExitStatus.OK;
    }

    private static void row(PrintStream out, String key, Object value) {
        out.printf("%-16s %s%n", key, value);
    }

    private static String join(List<Address> addresses) {
        return addresses.stream().map(Address::toString).collect(Collectors.joining(", "));
    }

    static String help() {
        return """
                Usage: qtfsd [OPTION]...
                       qtfsd tls init|issue ...   (see qtfsd tls --help)
                The qtfs server: exports the paths listed in the whitelist to qtfs clients
                (qtfs mount, mount -t qtfs). Runs in the foreground and logs to standard error;
                prints 'qtfsd: ready, listening on ADDR' once it accepts connections.
                Stops cleanly on SIGTERM or SIGINT.

                Options:
                """ + HelpFormatter.options(QtfsdArguments.OPTIONS) + """

                The whitelist is an INI file: each section ([Mount], [Open], [Read], [Write],
                [Readdir], [Mkdir], [Rmdir], [Create], [Unlink], [Rename], [Setattr],
                [Setxattr], ...) has 'Path=/a;/b' lines listing where its operations are
                allowed. [Mount] lists the exported trees; qtfsd refuses to start without it.

                Who may connect: on TCP, clients holding a certificate from this server's CA
                (TLS 1.3; set up with 'qtfsd tls init', then 'qtfsd tls issue CLIENT' per
                client); on unix sockets, the users of --allow-uid (root only by default); on
                vsock, the CIDs of --allow-cid. Every refusal is logged, naming the peer.

                Exit status: 0 after a clean shutdown, 1 if the server could not start,
                2 for a bad command line or config file.

                Example: export /srv/share read-only, on a unix socket and on TCP
                  /etc/qtfs/whitelist:
                    [Mount]
                    Path=/srv/share
                    [Open]
                    Path=/srv/share
                    [Read]
                    Path=/srv/share
                    [Readdir]
                    Path=/srv/share
                  qtfsd tls init --name server.example
                  qtfsd --listen unix:/run/qtfs/qtfsd.sock --listen tcp:0.0.0.0:7000
                  qtfsd --listen vsock:7000 --allow-cid 3
                """;
    }
}
