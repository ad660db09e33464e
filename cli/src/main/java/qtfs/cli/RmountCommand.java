package qtfs.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import qtfs.wire.RemoteMount;

/** {@code qtfs rmount [-t TYPE] [-o OPTIONS]... SOURCE DIRECTORY}: mount on the server, through a qtfs mount. */
final class RmountCommand {
    static final OptionSpec TYPE = OptionSpec.valued("types", 't', "TYPE", "the file system type, e.g. tmpfs (required)");
    static final OptionSpec OPTIONS = OptionSpec.valued("options", 'o', "OPTIONS",
            "comma-separated mount(8) options; may be repeated");
    static final OptionSpec HELP = OptionSpec.flag("help", 'h', "print this help and exit");
    static final List<OptionSpec> SPECS = List.of(TYPE, OPTIONS, HELP);

    private RmountCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        ParsedArguments parsed = new ArgumentParser(SPECS).parse(args);
        if (parsed.has(HELP)) {
            out.print(help());
            return ExitStatus.OK;
        }
        parsed.operands(2, "rmount needs SOURCE and DIRECTORY");
        String type = parsed.last(TYPE).map(ParsedArguments.Occurrence::value)
                .orElseThrow(() -> new UsageException("rmount needs the file system type: -t TYPE"));
        MountFlagOptions options = MountFlagOptions.parse(parsed.values(OPTIONS));
        try {
            ServerMountCall.Place place = ServerMountCall.locate(Path.of(parsed.operands().get(1)));
            RemoteMount request;
            try {
                request = RemoteMount.mount(place.name(), type, parsed.operands().get(0), options.flags(), options.data());
                request.encode();
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            ServerMountCall.send(place, request);
            ServerMountCall.awaitMirror(place.path(), true);
            return ExitStatus.OK;
        } catch (CommandFailedException e) {
            err.println("qtfs: " + e.getMessage());
            return ExitStatus.FAILURE;
        }
    }

    static String help() {
        return """
                Usage: qtfs rmount -t TYPE [-o OPTIONS]... SOURCE DIRECTORY
                Mount a file system on the server, on the server directory that DIRECTORY
                (inside a qtfs mount on this machine) shows. SOURCE, TYPE and OPTIONS are
                what mount(8) takes on the server: ro, nosuid, nodev, noexec, relatime... are
                mount flags, the other options go to the file system (e.g. size=64m).

                The server allows it only for root, only below a [Mount] path of its
                whitelist that lies inside the export (not the export's own entry), and only
                new mounts of a file system type (no bind, move or remount). The new mount
                shows on this machine at once, as a mount of its own.

                Options:
                """ + HelpFormatter.options(SPECS) + """

                Exit status: 0 once mounted, 1 if the server refused or the mount failed
                (the message says why), 2 for a bad command line.

                Example:
                  qtfs rmount -t tmpfs -o size=64m,mode=0755 tmpfs /mnt/share/scratch
                  qtfs rumount /mnt/share/scratch
                """;
    }
}
