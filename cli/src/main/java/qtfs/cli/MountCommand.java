package qtfs.cli;

import java.io.PrintStream;
import java.util.List;

/** {@code qtfs mount [-f] [-v] [-o OPTIONS]... SERVER_PATH MOUNTPOINT}. */
final class MountCommand {
    static final OptionSpec FOREGROUND = OptionSpec.flag("foreground", 'f',
            "stay in the foreground (log to standard error) until unmounted; "
                    + "without it, qtfs mount returns once the mount is live");
    static final OptionSpec OPTIONS = OptionSpec.valued("options", 'o', "OPTIONS",
            "comma-separated mount options (below); may be repeated");
    static final OptionSpec VERBOSE = OptionSpec.flag("verbose", 'v',
            "say what was mounted, the daemon's pid and its log file");
    static final OptionSpec HELP = OptionSpec.flag("help", 'h', "print this help and exit");
    static final List<OptionSpec> SPECS = List.of(FOREGROUND, OPTIONS, VERBOSE, HELP);

    private MountCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        ParsedArguments parsed = new ArgumentParser(SPECS).parse(args);
        if (parsed.has(HELP)) {
            out.print(help());
            return ExitStatus.OK;
        }
        parsed.operands(2, "mount needs SERVER_PATH and MOUNTPOINT");
        MountSettings settings = MountSettings.parse(parsed.operands().get(0), parsed.operands().get(1),
                parsed.values(OPTIONS), MountSettings.Strictness.STRICT, w -> err.println("qtfs: " + w));
        if (parsed.has(FOREGROUND)) {
            try {
                StaleMountCheck.requireNotStale(settings.client().mountpoint());
            } catch (CommandFailedException e) {
                err.println("qtfs: " + e.getMessage());
                return ExitStatus.FAILURE;
            }
            return ForegroundMount.run(settings, out, err);
        }
        return mountInBackground(settings, parsed.has(VERBOSE), "qtfs", out, err);
    }

    /** Shared with mount.qtfs: start the daemon, report, map failure to exit status 1. */
    static int mountInBackground(MountSettings settings, boolean verbose, String program, PrintStream out,
            PrintStream err) {
        try {
            StaleMountCheck.requireNotStale(settings.client().mountpoint());
            BackgroundMount.Started started = BackgroundMount.start(settings);
            if (verbose) {
                out.println(program + ": mounted " + settings.client().serverPath() + " on "
                        + settings.client().mountpoint() + " (daemon pid " + started.pid() + ", log "
                        + started.logFile() + ")");
            }
            return ExitStatus.OK;
        } catch (CommandFailedException e) {
            err.println(program + ": " + e.getMessage());
            return ExitStatus.FAILURE;
        }
    }

    static String help() {
        return """
                Usage: qtfs mount [-f] [-v] -o server=ADDR[,OPTION]... SERVER_PATH MOUNTPOINT
                Mount the directory SERVER_PATH exported by the qtfsd at ADDR on the local
                directory MOUNTPOINT. SERVER_PATH must lie inside a [Mount] path of the
                server's whitelist.

                Options:
                """ + HelpFormatter.options(SPECS) + """

                Mount options (-o):
                """ + MountSettings.optionHelp() + """
                  nosuid, nodev, exec, async, relatime
                        what every qtfs mount is; accepted

                Without -f the mount daemon runs detached and logs to its log file; it exits
                when the directory is unmounted (qtfs umount MOUNTPOINT).

                A tcp: server is reached with TLS 1.3: this client presents the credential the
                server issued to it ('qtfsd tls issue NAME' on the server), from
                /etc/qtfs/tls/client.pem or the file named by cert=FILE.

                Exit status: 0 once mounted (with -f: after a clean unmount), 1 if the mount
                failed, 2 for a bad command line.

                Examples:
                  qtfs mount -o server=unix:/run/qtfs/qtfsd.sock /srv/share /mnt/share
                  qtfs mount -f -o server=tcp:192.0.2.1:7000,ro /var/lib/docker /mnt/docker
                  qtfs mount -o server=vsock:2:7000 /var/lib/libvirt /var/lib/libvirt
                """;
    }
}
