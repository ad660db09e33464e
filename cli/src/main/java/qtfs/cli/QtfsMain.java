package qtfs.cli;

import java.io.PrintStream;
import java.util.List;

/** {@code qtfs}: the client command, {@code qtfs mount ...} and {@code qtfs umount ...}. */
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
            return usageError(err, null, "missing command (mount or umount)");
        }
        String command = args.getFirst();
        List<String> rest = args.subList(1, args.size());
        try {
            return switch (command) {
                case "mount" -> MountCommand.run(rest, out, err);
                case "umount", "unmount" -> UmountCommand.run(rest, out, err);
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
                        : "unknown command '" + command + "' (commands: mount, umount)");
            };
        } catch (UsageException e) {
            return usageError(err, command.equals("mount") || command.equals("umount") ? command : null,
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
                  --help           print this help and exit
                  --version        print the version and exit

                'qtfs COMMAND --help' describes each command and its options.

                Example:
                  qtfs mount -o server=unix:/run/qtfs/qtfsd.sock /srv/share /mnt/share
                  qtfs umount /mnt/share
                """;
    }
}
