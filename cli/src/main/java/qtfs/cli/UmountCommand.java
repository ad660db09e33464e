package qtfs.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code qtfs umount [-l] MOUNTPOINT}. */
final class UmountCommand {
    static final OptionSpec LAZY = OptionSpec.flag("lazy", 'l',
            "detach now even if files are open, finish when they are closed");
    static final OptionSpec HELP = OptionSpec.flag("help", 'h', "print this help and exit");
    static final List<OptionSpec> SPECS = List.of(LAZY, HELP);

    private UmountCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        ParsedArguments parsed = new ArgumentParser(SPECS).parse(args);
        if (parsed.has(HELP)) {
            out.print(help());
            return ExitStatus.OK;
        }
        parsed.operands(1, "umount needs exactly one MOUNTPOINT");
        Path mountpoint = QtfsdArguments.path("mount point", parsed.operands().getFirst(), null);
        try {
            Unmounter.unmount(mountpoint, parsed.has(LAZY));
            return ExitStatus.OK;
        } catch (CommandFailedException e) {
            err.println("qtfs: " + e.getMessage());
            return ExitStatus.FAILURE;
        }
    }

    static String help() {
        return """
                Usage: qtfs umount [-l] MOUNTPOINT
                Unmount the qtfs mount at MOUNTPOINT; its mount daemon then exits.
                Refuses directories that are not qtfs mounts.

                Options:
                """ + HelpFormatter.options(SPECS) + """

                Exit status: 0 once unmounted, 1 if it could not be unmounted, 2 for a bad
                command line.

                Example:
                  qtfs umount /mnt/share
                """;
    }
}
