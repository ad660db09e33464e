package qtfs.transport.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The two setup steps, one per side: on the server, {@link #initServer} makes the CA and the
 * server's credential; {@link #issueClient} then makes a credential file per client, to be
 * copied to that client as {@link #CLIENT_FILE} (mode 0600).
 */
public final class TlsSetup {
    private TlsSetup() {}

    public static final Path DEFAULT_DIR = Path.of("/etc/qtfs/tls");
    /** The CA's key and certificate: never leaves the server. */
    public static final String CA_FILE = "ca.pem";
    public static final String SERVER_FILE = "server.pem";
    /** Where a client keeps the credential issued to it. */
    public static final String CLIENT_FILE = "client.pem";

    /** Client names become certificate CNs and file names: keep them plain. */
    private static final Pattern CLIENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * Makes {@code dir}/ca.pem (unless a CA is already there: it is kept, so that clients
     * issued before stay valid) and a new {@code dir}/server.pem for {@code hostname}, naming
     * also {@code names} (DNS names and IP addresses clients will connect to) and localhost.
     * Returns the server credential.
     */
    public static Credential initServer(Path dir, String hostname, List<String> names) throws CredentialException {
        Path caFile = dir.resolve(CA_FILE);
        CertificateAuthority ca = Files.exists(caFile, LinkOption.NOFOLLOW_LINKS)
                ? CertificateAuthority.load(caFile)
                : create(caFile, hostname);
        Credential server = ca.issueServer(hostname, names);
        server.save(dir.resolve(SERVER_FILE), true);
        return server;
    }

    private static CertificateAuthority create(Path caFile, String hostname) throws CredentialException {
        CertificateAuthority ca = CertificateAuthority.create(hostname);
        ca.save(caFile, false);
        return ca;
    }

    /**
     * Issues a credential for client {@code name} with the CA in {@code dir} and writes it to
     * {@code output} (mode 0600; an existing file is replaced). Returns the file written.
     */
    public static Path issueClient(Path dir, String name, Path output) throws CredentialException {
        if (!CLIENT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("client name '" + name + "' must be 1 to 64 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit");
        }
        CertificateAuthority ca = CertificateAuthority.load(dir.resolve(CA_FILE));
        ca.issueClient(name).save(output, true);
        return output;
    }

    /** {@code client-NAME.pem} beside the CA: where {@link #issueClient} writes when not told otherwise. */
    public static Path defaultClientOutput(Path dir, String name) {
        return dir.resolve("client-" + name + ".pem");
    }

    /** This machine's host name as the kernel has it (no DNS lookup), for certificate names. */
    public static String localHostname() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) return name;
        } catch (IOException e) {
            // fall back below
        }
        return "localhost";
    }
}
