package qtfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every --help names every option a user can give, with an example. */
class HelpTextTest {

    static void assertMentions(String help, List<OptionSpec> specs) {
        for (OptionSpec spec : specs) {
            assertTrue(help.contains("--" + spec.longName()), "help lacks --" + spec.longName() + ":\n" + help);
            if (spec.shortName() != 0) {
                assertTrue(help.contains("-" + spec.shortName() + ","), "help lacks -" + spec.shortName());
            }
        }
        assertTrue(help.contains("Example"), "help has no example");
        for (String line : help.lines().toList()) {
            assertTrue(line.length() <= HelpFormatter.WIDTH, "help line wider than the terminal: " + line);
        }
        assertTrue(help.contains("Exit status") || help.startsWith("Usage: qtfs COMMAND"), "help has no exit status");
    }

    static void assertMentionsMountOptions(String help) {
        for (MountSettings.Option option : MountSettings.OPTIONS) {
            String shown = option.valueName() == null ? option.key() : option.key() + "=" + option.valueName();
            assertTrue(help.contains("  " + shown + " "), "help lacks mount option " + shown + ":\n" + help);
        }
    }

    @Test
    void descriptionsAreWrappedUnderTheirColumn() {
        assertEquals(List.of("aaa bbb", "ccc", "ddd"), HelpFormatter.wrap("aaa bbb ccc\nddd", 7));
        String table = HelpFormatter.table(List.<String[]>of(new String[] {"x=N", "one two three four"}));
        assertTrue(table.startsWith("  x=N  one two three four\n"), table);
    }

    @Test
    void qtfsdHelp() {
        CommandRun run = CommandRun.of(QtfsdMain::run, "--help");
        assertEquals(0, run.status());
        assertEquals("", run.err());
        assertMentions(run.out(), QtfsdArguments.OPTIONS);
        assertTrue(run.out().contains("unix:/run/qtfs/qtfsd.sock)"), "default listen address");
        assertTrue(run.out().contains("/etc/qtfs/whitelist)"), "default whitelist");
        assertTrue(run.out().contains("[Mount]"));
    }

    @Test
    void qtfsdTlsHelp() {
        for (List<String> args : List.of(List.of("tls", "--help"), List.of("tls", "init", "-h"), List.of("tls", "issue", "--help"))) {
            CommandRun run = CommandRun.of(QtfsdMain::run, args.toArray(String[]::new));
            assertEquals(0, run.status());
            assertMentions(run.out(), TlsCommand.INIT_SPECS);
            assertMentions(run.out(), TlsCommand.ISSUE_SPECS);
            assertTrue(run.out().contains("/etc/qtfs/tls/client.pem"), run.out());
        }
        String qtfsd = CommandRun.of(QtfsdMain::run, "--help").out();
        assertTrue(qtfsd.contains("qtfsd tls init"), qtfsd);
        assertTrue(qtfsd.contains("--allow-cid 3"), qtfsd);
    }

    @Test
    void qtfsHelpListsTheCommands() {
        for (String flag : List.of("--help", "-h", "help")) {
            CommandRun run = CommandRun.of(QtfsMain::run, flag);
            assertEquals(0, run.status());
            assertTrue(run.out().contains("mount [-f] [-v] -o server=ADDR"));
            assertTrue(run.out().contains("umount [-l] MOUNTPOINT"));
            assertTrue(run.out().contains("--version"));
        }
    }

    @Test
    void qtfsMountHelp() {
        CommandRun run = CommandRun.of(QtfsMain::run, "mount", "--help");
        assertEquals(0, run.status());
        assertMentions(run.out(), MountCommand.SPECS);
        assertMentionsMountOptions(run.out());
        assertTrue(run.out().contains("(default: 60)"), "timeouts show their default");
    }

    @Test
    void qtfsUmountHelp() {
        CommandRun run = CommandRun.of(QtfsMain::run, "umount", "-h");
        assertEquals(0, run.status());
        assertMentions(run.out(), UmountCommand.SPECS);
    }

    @Test
    void mountHelperHelp() {
        CommandRun run = CommandRun.of(MountQtfsMain::run, "--help");
        assertEquals(0, run.status());
        assertMentions(run.out(), MountQtfsMain.SPECS);
        assertMentionsMountOptions(run.out());
        for (String generic : MountSettings.MOUNT_GENERIC_OPTIONS) {
            assertTrue(run.out().contains(generic), "help lacks ignored option " + generic);
        }
        for (String inherent : MountSettings.INHERENT_OPTIONS) {
            assertTrue(run.out().contains(inherent), "help lacks accepted option " + inherent);
        }
        assertTrue(run.out().contains("fstab"));
    }

    @Test
    void versions() {
        assertTrue(CommandRun.of(QtfsdMain::run, "--version").out().matches("qtfsd \\(qtfs\\) \\d+\\.\\d+\\.\\d+.*\n"));
        assertTrue(CommandRun.of(QtfsMain::run, "-V").out().startsWith("qtfs (qtfs) "));
        assertTrue(CommandRun.of(MountQtfsMain::run, "-V").out().startsWith("mount.qtfs (qtfs) "));
        assertEquals(0, CommandRun.of(MountQtfsMain::run, "--version").status());
    }
}
