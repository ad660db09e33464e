package qtfs.transport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import qtfs.transport.tls.TlsSetup;

/** A server's TLS directory made by the setup steps (CA, server credential) and one client credential, in a temporary directory. */
final class TlsFiles implements AutoCloseable {
    final TempDir dir;
    final Path tlsDir;
    final Path clientFile;

    TlsFiles(String serverName, String clientName) throws IOException {
        dir = new TempDir();
        tlsDir = dir.resolve("tls");
        TlsSetup.initServer(tlsDir, serverName, List.of());
        clientFile = TlsSetup.issueClient(tlsDir, clientName, dir.resolve("client.pem"));
    }

    AcceptPolicy policy() {
        return new AcceptPolicy(tlsDir, false, AllowedUids.ROOT, Optional.empty());
    }

    ClientTls client() {
        return ClientTls.withCredential(clientFile);
    }

    @Override
    public void close() throws IOException {
        dir.close();
    }
}
