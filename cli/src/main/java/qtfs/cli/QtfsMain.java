package qtfs.cli;

import java.io.PrintStream;
import java.util.List;

/** {@code qtfs}: the client command: {@code qtfs mount}, {@code umount}, {@code rmount}, {@code rumount}. */
public final class QtfsMain {
    static final String PROGRAM = "qtfs";

    private QtfsMain() {
    }

    public static void main(String[] args) {
        DaemonLogging.prepare();
        System.exit(run(List.of(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            return usageError(err, null, "missing command (mount, umount, rmount or rumount)");
        }
        String command = args.getFirst();
        List<String> rest = args.subList(1, args.size());
        try {
            return switch (command) {
                case "mount" -> MountCommand.run(rest, out, err);
                case "umount", "unmount" -> UmountCommand.run(rest, out, err);
                case "rmount" -> RmountCommand.run(rest, out, err);
                case "rumount" -> RumountCommand.run(rest, out, err);
                case "-h", "--help", "help" -> {
                    out.print(help());
                    yield ExitStatus.OK;
                }
                case "-V", "--version" -> {
                    out.println(Version.line(PROGRAM));
                    yield ExitStatus.OK;
                }
                default -> throw new UsageException(command.startsWith("-")
                        ? "unknown option '" + command + "'"
                        : "unknown command '" + command + "' (commands: mount, umount, rmount, rumount)");
            };
        } catch (UsageException e) {
            return usageError(err, List.of("mount", "umount", "rmount", "rumount").contains(command) ? command : null,
                    e.getMessage());
        }
    }

    private static int usageError(PrintStream err, String command, String message) {
        err.println(PROGRAM + ": " + message);
        err.println("Try '" + PROGRAM + (command == null ? "" : " " + command) + " --help' for more information.");
        return ExitStatus.USAGE;
    }

    static String help() {
        return """
                Usage: qtfs COMMAND [ARGUMENT]...
                The qtfs client: use directories of a qtfsd server as if they were local.

                Commands:
                  mount [-f] [-v] -o server=ADDR[,OPTION]... SERVER_PATH MOUNTPOINT
                                   mount SERVER_PATH of the server on MOUNTPOINT
                  umount [-l] MOUNTPOINT
                                   unmount a qtfs mount
                  rmount -t TYPE [-o OPTIONS]... SOURCE DIRECTORY
                                   mount a file system on the server, at the server
                                   directory that DIRECTORY inside a qtfs mount shows
                  rumount [-f] DIRECTORY
                                   unmount it again, on the server
                  --help           print this help and exit
                  --version        print the version and exit

                'qtfs COMMAND --help' describes each command and its options.

                Example:
                  qtfs mount -o server=unix:/run/qtfs/qtfsd.sock /srv/share /mnt/share
                  qtfs umount /mnt/share
                """;
    }
}
