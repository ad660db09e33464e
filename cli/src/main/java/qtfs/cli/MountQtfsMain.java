package qtfs.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code mount.qtfs SOURCE DIR [-sfnv] [-N NS] [-o OPTIONS] [-t TYPE]}: the helper that
 * mount(8) runs for {@code mount -t qtfs} and for fstab lines of type qtfs. SOURCE is the
 * server path. Options that mount(8) passes to every helper ({@code defaults},
 * {@code _netdev}, {@code noauto}, {@code user}, {@code x-*}, ...) are ignored.
 */
public final class MountQtfsMain {
    static final String PROGRAM = "mount.qtfs";

    static final OptionSpec SLOPPY = OptionSpec.flag("sloppy", 's',
            "ignore mount options qtfs does not know, with a warning");
    static final OptionSpec FAKE = OptionSpec.flag("fake", 'f',
            "check everything but do not mount (mount -f)");
    static final OptionSpec NO_MTAB = OptionSpec.flag("no-mtab", 'n',
            "accepted for mount(8); qtfs never writes /etc/mtab");
    static final OptionSpec VERBOSE = OptionSpec.flag("verbose", 'v',
            "say what is mounted, the daemon's pid and its log file");
    static final OptionSpec OPTIONS = OptionSpec.valued("options", 'o', "OPTIONS",
            "comma-separated mount options (below); may be repeated");
    static final OptionSpec NAMESPACE = OptionSpec.valued("namespace", 'N', "NS",
            "mount in another mount namespace: not supported, fails");
    static final OptionSpec TYPE = OptionSpec.valued("types", 't', "TYPE",
            "file-system type as mount(8) passes it; must be qtfs");
    static final OptionSpec HELP = OptionSpec.flag("help", 'h', "print this help and exit");
    static final OptionSpec VERSION = OptionSpec.flag("version", 'V', "print the version and exit");
    static final List<OptionSpec> SPECS = List.of(SLOPPY, FAKE, NO_MTAB, VERBOSE, OPTIONS, NAMESPACE, TYPE, HELP,
            VERSION);

    private MountQtfsMain() {
    }

    public static void main(String[] args) {
        DaemonLogging.prepare();
        System.exit(run(List.of(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        try {
            ParsedArguments parsed = new ArgumentParser(SPECS).parse(args);
            if (parsed.has(HELP)) {
                out.print(help());
                return ExitStatus.OK;
            }
            if (parsed.has(VERSION)) {
                out.println(Version.line(PROGRAM));
                return ExitStatus.OK;
            }
            if (parsed.has(NAMESPACE)) {
                throw new UsageException("-N/--namespace is not supported: run mount.qtfs inside the target namespace"
                        + " (e.g. with nsenter)");
            }
            for (String type : parsed.values(TYPE)) {
                if (!type.equals("qtfs") && !type.equals("fuse.qtfs") && !type.startsWith("qtfs.")) {
                    throw new UsageException("file-system type '" + type + "' is not qtfs");
                }
            }
            parsed.operands(2, "expected SOURCE and DIRECTORY");
            MountSettings settings = MountSettings.parse(parsed.operands().get(0), parsed.operands().get(1),
                    parsed.values(OPTIONS),
                    parsed.has(SLOPPY) ? MountSettings.Strictness.SLOPPY : MountSettings.Strictness.MOUNT_HELPER,
                    w -> err.println(PROGRAM + ": " + w));
            if (parsed.has(FAKE)) {
                if (parsed.has(VERBOSE)) {
                    out.println(PROGRAM + ": would mount " + settings.client().serverPath() + " on "
                            + settings.client().mountpoint() + " with " + settings.optionString());
                }
                return ExitStatus.OK;
            }
            return MountCommand.mountInBackground(settings, parsed.has(VERBOSE), PROGRAM, out, err);
        } catch (UsageException e) {
            err.println(PROGRAM + ": " + e.getMessage());
            err.println("Try '" + PROGRAM + " --help' for more information.");
            return ExitStatus.USAGE;
        }
    }

    static String help() {
        return """
                Usage: mount.qtfs SOURCE DIRECTORY [-sfnv] [-o OPTIONS]
                The mount(8) helper of qtfs: 'mount -t qtfs -o server=ADDR SOURCE DIRECTORY'
                and fstab lines of type qtfs run it. SOURCE is the absolute path on the
                server. It returns once the mount is live; the mount daemon keeps running
                until the directory is unmounted.

                Options:
                """ + HelpFormatter.options(SPECS) + """

                Mount options (-o):
                """ + MountSettings.optionHelp() + """
                  nosuid, nodev, exec, async, relatime
                        what every qtfs mount is; accepted
                  defaults, auto, noauto, user, nouser, users, owner, group, _netdev,
                  nofail, x-*, comment=*
                        options of mount(8) and fstab; accepted and ignored

                Exit status: 0 once mounted, 1 if the mount failed, 2 for a bad command line.

                Examples:
                  mount -t qtfs -o server=unix:/run/qtfs/qtfsd.sock /srv/share /mnt/share
                  the same in /etc/fstab:
                    /srv/share /mnt/share qtfs server=unix:/run/qtfs/qtfsd.sock,_netdev 0 0
                """;
    }
}
