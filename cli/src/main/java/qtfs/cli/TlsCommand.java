package qtfs.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import qtfs.transport.ClientTls;
import qtfs.transport.tls.CredentialException;
import qtfs.transport.tls.Credential;
import qtfs.transport.tls.TlsSetup;

/**
 * {@code qtfsd tls init [--name NAME]... [--dir DIR]} and
 * {@code qtfsd tls issue CLIENT_NAME [-o FILE] [--dir DIR]}: the one command per side that
 * TLS setup takes. init makes the server's CA and certificate; issue makes a client's
 * credential file, to be copied to that client.
 */
final class TlsCommand {
    private static final String PROGRAM = QtfsdMain.PROGRAM;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    static final OptionSpec NAME = OptionSpec.valued("name", 'n', "NAME",
            "a DNS name or IP address clients connect to this server by; repeatable "
                    + "(localhost, 127.0.0.1 and ::1 are always included)");
    static final OptionSpec HOSTNAME = OptionSpec.valued("hostname", '\0', "HOST",
            "the server's name in its certificate (default: this machine's host name)");
    static final OptionSpec DIR = OptionSpec.valued("dir", 'd', "DIR",
            "where the CA and the server credential live (default: " + TlsSetup.DEFAULT_DIR + ")");
    static final OptionSpec OUTPUT = OptionSpec.valued("output", 'o', "FILE",
            "where to write the client's credential (default: DIR/client-CLIENT_NAME.pem)");
    static final OptionSpec HELP = OptionSpec.flag("help", 'h', "print this help and exit");
    static final List<OptionSpec> INIT_SPECS = List.of(NAME, HOSTNAME, DIR, HELP);
    static final List<OptionSpec> ISSUE_SPECS = List.of(OUTPUT, DIR, HELP);

    private TlsCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        String command = args.isEmpty() ? "" : args.getFirst();
        List<String> rest = args.isEmpty() ? args : args.subList(1, args.size());
        try {
            return switch (command) {
                case "init" -> init(rest, out, err);
                case "issue" -> issue(rest, out, err);
                case "-h", "--help", "help" -> {
                    out.print(help());
                    yield ExitStatus.OK;
                }
                case "" -> throw new UsageException("tls needs a command: init or issue");
                default -> throw new UsageException("unknown tls command '" + command + "' (commands: init, issue)");
            };
        } catch (UsageException e) {
            err.println(PROGRAM + ": " + e.getMessage());
            err.println("Try '" + PROGRAM + " tls --help' for more information.");
            return ExitStatus.USAGE;
        }
    }

    private static int init(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        ParsedArguments parsed = new ArgumentParser(INIT_SPECS).parse(args);
        if (parsed.has(HELP)) {
            out.print(help());
            return ExitStatus.OK;
        }
        if (!parsed.operands().isEmpty()) {
            throw new UsageException("tls init takes no arguments, got '" + String.join(" ", parsed.operands()) + "'");
        }
        Path dir = dir(parsed);
        String hostname = parsed.last(HOSTNAME).map(ParsedArguments.Occurrence::value).orElse(TlsSetup.localHostname()).strip();
        if (hostname.isEmpty()) throw new UsageException("--hostname: the name is empty");
        List<String> names = parsed.values(NAME).stream().map(String::strip).toList();
        if (names.contains("")) throw new UsageException("--name: the name is empty");
        Path caFile = dir.resolve(TlsSetup.CA_FILE);
        boolean caExisted = Files.exists(caFile, LinkOption.NOFOLLOW_LINKS);
        Credential server;
        try {
            server = TlsSetup.initServer(dir, hostname, names);
        } catch (CredentialException e) {
            err.println(PROGRAM + ": " + e.getMessage());
            return ExitStatus.FAILURE;
        }
        out.println(PROGRAM + ": " + (caExisted ? "kept the CA " : "created the CA ") + caFile + " ('" + server.caName() + "')");
        out.println(PROGRAM + ": wrote the server credential " + dir.resolve(TlsSetup.SERVER_FILE) + " for '" + server.name()
                + "', valid until " + DATE.format(server.notAfter()) + "; clients may connect to it as "
                + String.join(", ", server.subjectAltNames()));
        out.println("Next, for each client: " + PROGRAM + " tls issue CLIENT_NAME"
                + (dir.equals(TlsSetup.DEFAULT_DIR) ? "" : " --dir " + dir));
        return ExitStatus.OK;
    }

    private static int issue(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        ParsedArguments parsed = new ArgumentParser(ISSUE_SPECS).parse(args);
        if (parsed.has(HELP)) {
            out.print(help());
            return ExitStatus.OK;
        }
        parsed.operands(1, "tls issue needs exactly one CLIENT_NAME");
        String name = parsed.operands().getFirst();
        Path dir = dir(parsed);
        Path output = parsed.last(OUTPUT).isPresent()
                ? QtfsdArguments.path(parsed.last(OUTPUT).get().spelled(), parsed.last(OUTPUT).get().value(), null)
                : TlsSetup.defaultClientOutput(dir, name);
        Credential issued;
        try {
            TlsSetup.issueClient(dir, name, output);
            issued = Credential.load(output);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        } catch (CredentialException e) {
            err.println(PROGRAM + ": " + e.getMessage()
                    + (Files.exists(dir.resolve(TlsSetup.CA_FILE)) ? "" : " (run '" + PROGRAM + " tls init' first)"));
            return ExitStatus.FAILURE;
        }
        out.println(PROGRAM + ": issued the credential of client '" + name + "' to " + output + ", valid until "
                + DATE.format(issued.notAfter()));
        out.println("Copy it to the client as " + ClientTls.DEFAULT_CREDENTIAL + " (mode 0600), or name it there with the "
                + "mount option cert=FILE.");
        return ExitStatus.OK;
    }

    private static Path dir(ParsedArguments parsed) throws UsageException {
        var given = parsed.last(DIR);
        return given.isPresent() ? QtfsdArguments.path(given.get().spelled(), given.get().value(), null) : TlsSetup.DEFAULT_DIR;
    }

    static String help() {
        return """
                Usage: qtfsd tls init [--name NAME]... [--hostname HOST] [--dir DIR]
                       qtfsd tls issue CLIENT_NAME [-o FILE] [--dir DIR]
                Set up TLS for qtfsd's TCP listeners: one command per side.

                init makes the server's certificate authority (DIR/ca.pem, kept if it exists,
                so that clients issued before stay valid) and its certificate
                (DIR/server.pem), naming this host, localhost and every --name. Clients
                check that the server's certificate names the host they connect to.

                issue makes the credential of one client (its key, its certificate and the
                CA's certificate, mode 0600): copy it to the client as
                /etc/qtfs/tls/client.pem. The server knows the client by CLIENT_NAME.

                Options of init:
                """ + HelpFormatter.options(INIT_SPECS) + """

                Options of issue:
                """ + HelpFormatter.options(ISSUE_SPECS) + """

                Exit status: 0 on success, 1 if the files could not be read or written, 2 for
                a bad command line.

                Example:
                  qtfsd tls init --name server.example --name 192.0.2.1
                  qtfsd tls issue dpu1 -o /tmp/dpu1.pem
                  scp /tmp/dpu1.pem dpu1:/etc/qtfs/tls/client.pem
                """;
    }
}
