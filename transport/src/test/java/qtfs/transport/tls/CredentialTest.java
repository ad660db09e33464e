package qtfs.transport.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Credential and CA files on disk: what is written, and every way a file can be refused. */
class CredentialTest {
    private static final CertificateAuthority CA = CertificateAuthority.create("testhost");
    private Path dir;

    @BeforeEach
    void makeDir() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "qtfs-tls");
    }

    @AfterEach
    void removeDir() throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void aSavedCredentialLoadsBackAndIsPrivate() throws Exception {
        Credential issued = CA.issueClient("dpu1");
        Path file = dir.resolve("sub/client-dpu1.pem");
        issued.save(file, false);
        assertEquals("rw-------", mode(file));
        assertEquals("rwx------", mode(file.getParent()));
        String text = Files.readString(file);
        assertTrue(text.startsWith("qtfs TLS credential of 'dpu1', issued by 'qtfs CA testhost'\n"), text);
        assertTrue(text.contains("-----BEGIN PRIVATE KEY-----\n"), text);
        assertEquals(2, text.split("-----BEGIN CERTIFICATE-----", -1).length - 1);

        Credential loaded = Credential.load(file);
        assertEquals("dpu1", loaded.name());
        assertEquals(issued.certificate(), loaded.certificate());
        assertEquals(CA.certificate(), loaded.caCertificate());
        assertEquals(issued.privateKey(), loaded.privateKey());
    }

    @Test
    void serverCertificatesNameTheGivenNamesAndLocalhost() {
        Credential server = CA.issueServer("host1", List.of("host1.example", "10.0.0.2", "fd00::2"));
        assertEquals("host1", server.name());
        assertEquals(List.of("host1", "host1.example", "10.0.0.2", "fd00:0:0:0:0:0:0:2", "localhost", "127.0.0.1", "0:0:0:0:0:0:0:1"),
                server.subjectAltNames());
        assertThrows(IllegalArgumentException.class, () -> CA.issueServer("host1", List.of("bad name")));
    }

    @Test
    void theCaIsValidForTenYearsAndNamedAfterItsHost() {
        assertEquals("qtfs CA testhost", CA.name());
        Instant notAfter = CA.certificate().getNotAfter().toInstant();
        Duration validity = Duration.between(Instant.now(), notAfter);
        assertTrue(validity.toDays() >= 3650 && validity.toDays() <= 3653, validity.toString());
        assertTrue(CA.certificate().getBasicConstraints() >= 0);
    }

    @Test
    void aFileOthersCanReadIsRefused() throws Exception {
        Path file = dir.resolve("server.pem");
        CA.issueServer("testhost", List.of()).save(file, false);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        CredentialException e = assertThrows(CredentialException.class, () -> Credential.load(file));
        assertEquals("TLS file " + file + " has mode rw-r--r--: it holds a private key, so group and others must have no access "
                + "(chmod 600 " + file + ")", e.getMessage());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw----r--"));
        assertThrows(CredentialException.class, () -> Credential.load(file));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        Credential.load(file);
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = dir.resolve("nothing.pem");
        CredentialException e = assertThrows(CredentialException.class, () -> Credential.load(file));
        assertEquals("TLS file " + file + " does not exist", e.getMessage());
    }

    @Test
    void aFileThatIsNotPemIsNamed() throws Exception {
        Path file = dir.resolve("junk.pem");
        Files.writeString(file, "this is not a certificate\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertEquals("TLS file " + file + " is not a PEM file (no '-----BEGIN' line)",
                assertThrows(CredentialException.class, () -> Credential.load(file)).getMessage());

        Files.writeString(file, "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
        assertEquals("TLS file " + file + " line 1: CERTIFICATE block is not valid base64",
                assertThrows(CredentialException.class, () -> Credential.load(file)).getMessage());

        Files.writeString(file, "-----BEGIN CERTIFICATE-----\nAAAA\n");
        assertEquals("TLS file " + file + " line 1: CERTIFICATE block has no '-----END CERTIFICATE-----' line",
                assertThrows(CredentialException.class, () -> Credential.load(file)).getMessage());
    }

    @Test
    void anExpiredCredentialIsRefusedWhenLoaded() throws Exception {
        Instant now = Instant.now();
        Path file = dir.resolve("old.pem");
        CA.issueClient("old", now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1))).save(file, false);
        CredentialException e = assertThrows(CredentialException.class, () -> Credential.load(file));
        assertTrue(e.getMessage().matches("TLS credential " + java.util.regex.Pattern.quote(file.toString())
                + ": certificate 'old' \\(issued by 'qtfs CA testhost'\\) expired on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC"),
                e.getMessage());
    }

    @Test
    void aKeyThatDoesNotBelongToTheCertificateIsRefused() throws Exception {
        Credential a = CA.issueClient("a"), b = CA.issueClient("b");
        Path file = dir.resolve("mixed.pem");
        new Credential(a.privateKey(), b.certificate(), CA.certificate()).save(file, false);
        assertEquals("TLS file " + file + ": its private key does not belong to its first certificate 'b' (issued by 'qtfs CA testhost')",
                assertThrows(CredentialException.class, () -> Credential.load(file)).getMessage());
    }

    @Test
    void aCertificateNotSignedByTheCaBesideItIsRefused() throws Exception {
        Credential foreign = CertificateAuthority.create("elsewhere").issueClient("x");
        Path file = dir.resolve("foreign.pem");
        new Credential(foreign.privateKey(), foreign.certificate(), CA.certificate()).save(file, false);
        assertEquals("TLS credential " + file + ": its certificate 'x' (issued by 'qtfs CA elsewhere') is not signed by the CA "
                + "certificate in the file ('qtfs CA testhost')",
                assertThrows(CredentialException.class, () -> Credential.load(file)).getMessage());
    }

    @Test
    void aCaFileIsNotACredential() throws Exception {
        Path file = dir.resolve("ca.pem");
        CA.save(file, false);
        assertEquals("rw-------", mode(file));
        assertEquals("TLS credential " + file + " holds 1 certificate; expected two: its own, then its CA's",
                assertThrows(CredentialException.class, () -> Credential.load(file)).getMessage());
    }

    @Test
    void aCaLoadsBackAndIssuesForTheSameTrust() throws Exception {
        Path file = dir.resolve("ca.pem");
        CA.save(file, false);
        CertificateAuthority loaded = CertificateAuthority.load(file);
        assertEquals(CA.certificate(), loaded.certificate());
        Credential client = loaded.issueClient("later");
        assertTrue(Certificates.isIssuedBy(client.certificate(), CA.certificate()));
        // a CA is never overwritten by accident: every certificate it issued would stop working
        CredentialException e = assertThrows(CredentialException.class, () -> CertificateAuthority.create("other").save(file, false));
        assertEquals("TLS file " + file + " already exists; not replacing it", e.getMessage());
        assertEquals(CA.certificate(), CertificateAuthority.load(file).certificate());
    }

    @Test
    void setupTakesOneCallPerSide() throws Exception {
        Credential server = TlsSetup.initServer(dir, "host1", List.of("10.0.0.2"));
        assertEquals("rw-------", mode(dir.resolve(TlsSetup.CA_FILE)));
        assertEquals("rw-------", mode(dir.resolve(TlsSetup.SERVER_FILE)));
        assertEquals(server.certificate(), Credential.load(dir.resolve(TlsSetup.SERVER_FILE)).certificate());
        assertTrue(server.subjectAltNames().contains("10.0.0.2"));

        Path clientFile = TlsSetup.issueClient(dir, "dpu1", TlsSetup.defaultClientOutput(dir, "dpu1"));
        assertEquals(dir.resolve("client-dpu1.pem"), clientFile);
        assertEquals("rw-------", mode(clientFile));
        Credential client = Credential.load(clientFile);
        assertEquals("dpu1", client.name());
        assertEquals(server.caCertificate(), client.caCertificate());

        // running init again keeps the CA, so the client issued above stays valid
        Credential again = TlsSetup.initServer(dir, "host1", List.of("10.0.0.3"));
        assertEquals(server.caCertificate(), again.caCertificate());
        assertTrue(again.subjectAltNames().contains("10.0.0.3"));

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> TlsSetup.issueClient(dir, "../x", dir.resolve("x")));
        assertEquals("client name '../x' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", bad.getMessage());
    }
}
