package qtfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qtfs.transport.tls.CertificateAuthority;
import qtfs.transport.tls.Credential;

/** qtfsd tls init and qtfsd tls issue: the files they make, what they print, and their errors. */
class TlsCommandTest {
    @TempDir
    Path dir;

    static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void initMakesTheCaAndTheServerCredentialAndKeepsTheCaWhenRunAgain() throws Exception {
        Path tls = dir.resolve("tls");
        CommandRun run = CommandRun.of(QtfsdMain::run, "tls", "init", "--dir", tls.toString(), "--hostname", "server1",
                "--name", "server1.example", "-n", "192.0.2.1");
        assertEquals(ExitStatus.OK, run.status(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals("qtfsd: created the CA " + tls.resolve("ca.pem") + " ('qtfs CA server1')", lines.get(0));
        assertTrue(lines.get(1).matches("qtfsd: wrote the server credential " + java.util.regex.Pattern.quote(tls.resolve("server.pem").toString())
                + " for 'server1', valid until \\d{4}-\\d\\d-\\d\\d; clients may connect to it as server1, server1\\.example, "
                + "192\\.0\\.2\\.1, localhost, 127\\.0\\.0\\.1, (::1|0:0:0:0:0:0:0:1)"), lines.get(1));
        assertEquals("Next, for each client: qtfsd tls issue CLIENT_NAME --dir " + tls, lines.get(2));
        assertEquals("rw-------", mode(tls.resolve("ca.pem")));
        assertEquals("rw-------", mode(tls.resolve("server.pem")));
        Credential server = Credential.load(tls.resolve("server.pem"));
        assertEquals("server1", server.name());
        String caBefore = CertificateAuthority.load(tls.resolve("ca.pem")).certificate().getSerialNumber().toString();

        CommandRun again = CommandRun.of(QtfsdMain::run, "tls", "init", "--dir", tls.toString(), "--hostname", "server1");
        assertEquals(ExitStatus.OK, again.status(), again.err());
        assertTrue(again.out().startsWith("qtfsd: kept the CA " + tls.resolve("ca.pem")), again.out());
        assertEquals(caBefore, CertificateAuthority.load(tls.resolve("ca.pem")).certificate().getSerialNumber().toString(),
                "clients issued before stay valid");
    }

    @Test
    void issueWritesACredentialForTheClientSignedByTheCa() throws Exception {
        Path tls = dir.resolve("tls");
        assertEquals(ExitStatus.OK, CommandRun.of(QtfsdMain::run, "tls", "init", "--dir", tls.toString()).status());
        Path out = dir.resolve("dpu1.pem");
        CommandRun run = CommandRun.of(QtfsdMain::run, "tls", "issue", "dpu1", "-o", out.toString(), "--dir", tls.toString());
        assertEquals(ExitStatus.OK, run.status(), run.err());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.get(0).matches("qtfsd: issued the credential of client 'dpu1' to " + java.util.regex.Pattern.quote(out.toString())
                + ", valid until \\d{4}-\\d\\d-\\d\\d"), lines.get(0));
        assertEquals("Copy it to the client as /etc/qtfs/tls/client.pem (mode 0600), or name it there with the mount option "
                + "cert=FILE.", lines.get(1));
        assertEquals("rw-------", mode(out));
        Credential client = Credential.load(out);
        assertEquals("dpu1", client.name());
        assertEquals(CertificateAuthority.load(tls.resolve("ca.pem")).certificate(), client.caCertificate());

        CommandRun defaultOutput = CommandRun.of(QtfsdMain::run, "tls", "issue", "dpu2", "--dir", tls.toString());
        assertEquals(ExitStatus.OK, defaultOutput.status(), defaultOutput.err());
        assertEquals("dpu2", Credential.load(tls.resolve("client-dpu2.pem")).name());
    }

    @Test
    void errorsSayWhatToDo() throws Exception {
        Path tls = dir.resolve("none");
        CommandRun noCa = CommandRun.of(QtfsdMain::run, "tls", "issue", "dpu1", "--dir", tls.toString());
        assertEquals(ExitStatus.FAILURE, noCa.status());
        assertEquals("qtfsd: TLS file " + tls.resolve("ca.pem") + " does not exist (run 'qtfsd tls init' first)\n", noCa.err());
        assertFalse(Files.exists(tls.resolve("client-dpu1.pem")));

        assertEquals(ExitStatus.OK, CommandRun.of(QtfsdMain::run, "tls", "init", "--dir", tls.toString()).status());
        CommandRun badName = CommandRun.of(QtfsdMain::run, "tls", "issue", "../evil", "--dir", tls.toString());
        assertEquals(ExitStatus.USAGE, badName.status());
        assertEquals("qtfsd: client name '../evil' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit\n"
                + "Try 'qtfsd tls --help' for more information.\n", badName.err());
        CommandRun twoNames = CommandRun.of(QtfsdMain::run, "tls", "issue", "a", "b");
        assertEquals(ExitStatus.USAGE, twoNames.status());
        assertTrue(twoNames.err().startsWith("qtfsd: tls issue needs exactly one CLIENT_NAME, got 'a b'\n"), twoNames.err());
        CommandRun nothing = CommandRun.of(QtfsdMain::run, "tls");
        assertEquals(ExitStatus.USAGE, nothing.status());
        assertTrue(nothing.err().startsWith("qtfsd: tls needs a command: init or issue\n"), nothing.err());
        CommandRun unknown = CommandRun.of(QtfsdMain::run, "tls", "renew");
        assertTrue(unknown.err().startsWith("qtfsd: unknown tls command 'renew' (commands: init, issue)\n"), unknown.err());
        CommandRun operand = CommandRun.of(QtfsdMain::run, "tls", "init", "extra");
        assertTrue(operand.err().startsWith("qtfsd: tls init takes no arguments, got 'extra'\n"), operand.err());
    }
}
