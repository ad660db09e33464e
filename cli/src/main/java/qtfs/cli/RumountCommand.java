package qtfs.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import qtfs.sys.MountCalls;
import qtfs.wire.RemoteMount;

/** {@code qtfs rumount [-f] DIRECTORY}: unmount on the server, through a qtfs mount. */
final class RumountCommand {
    static final OptionSpec FORCE = OptionSpec.flag("force", 'f', "force the unmount (MNT_FORCE), e.g. for an unreachable NFS server");
    static final OptionSpec HELP = OptionSpec.flag("help", 'h', "print this help and exit");
    static final List<OptionSpec> SPECS = List.of(FORCE, HELP);

    private RumountCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        ParsedArguments parsed = new ArgumentParser(SPECS).parse(args);
        if (parsed.has(HELP)) {
            out.print(help());
            return ExitStatus.OK;
        }
        parsed.operands(1, "rumount needs exactly one DIRECTORY");
        try {
            ServerMountCall.Place place = ServerMountCall.locate(Path.of(parsed.operands().getFirst()));
            ServerMountCall.send(place, RemoteMount.unmount(place.name(), parsed.has(FORCE) ? MountCalls.MNT_FORCE : 0));
            ServerMountCall.awaitMirror(place.path(), false);
            return ExitStatus.OK;
        } catch (CommandFailedException e) {
            err.println("qtfs: " + e.getMessage());
            return ExitStatus.FAILURE;
        }
    }

    static String help() {
        return """
                Usage: qtfs rumount [-f] DIRECTORY
                Unmount, on the server, the file system mounted on the server directory that
                DIRECTORY (inside a qtfs mount on this machine) shows. The server detaches it
                at once (lazily: it is released when nothing uses it any more). Allowed as
                for qtfs rmount: root only, below a [Mount] path inside the export.

                Options:
                """ + HelpFormatter.options(SPECS) + """

                Exit status: 0 once unmounted, 1 if the server refused or the unmount failed,
                2 for a bad command line.

                Example:
                  qtfs rumount /mnt/share/scratch
                """;
    }
}
