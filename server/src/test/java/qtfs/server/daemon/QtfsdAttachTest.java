package qtfs.server.daemon;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteOrder;

import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.OpenOut;
import qtfs.sys.Arch;
import qtfs.sys.Errno;
import qtfs.wire.Architecture;
import qtfs.wire.FuseFrames;
import qtfs.wire.Failure;
import qtfs.wire.FrameType;

@Timeout(120)
class QtfsdAttachTest {
    private DaemonFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new DaemonFixture();
        f.start();
    }

    @AfterEach
    void tearDown() throws IOException {
        f.close();
    }

    private static Failure error(RawClient.Reply r) throws IOException {
        assertEquals(FrameType.ERROR, r.type());
        return Failure.decode(r.payload(), FrameType.ERROR);
    }

    static ByteBuffer getattrRoot(long unique) {
        return RawClient.fuse(Opcode.GETATTR.code, unique, 1, new byte[16]);
    }

    /** The architecture that is not this machine's: its kernel numbers four open flags differently. */
    private static Architecture otherArchitecture() {
        return Arch.current() == Arch.X86_64 ? Architecture.AARCH64 : Architecture.X86_64;
    }

    @Test
    void openFlagsAreReadInTheClientsArchitecture() throws Exception {
        Files.writeString(f.export.resolve("data"), "data");
        Arch client = Arch.valueOf(otherArchitecture().name());
        try (RawClient c = RawClient.connect(f.socket)) {
            assertEquals(FrameType.ATTACHED, c.attach(0, f.export.toString(), otherArchitecture()).type());
            ByteBuffer entry = c.call(RawClient.fuse(Opcode.LOOKUP.code, 2, 1, RawClient.name("data")));
            assertEquals(0, RawClient.error(entry));
            long node = entry.getLong(FuseFrames.OUT_HEADER_SIZE);
            // the client's O_DIRECT is this machine's O_DIRECTORY: read as ours, the open would fail with ENOTDIR
            assertEquals(client.oDirect(), Arch.current().oDirectory());
            ByteBuffer openIn = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(client.oDirect()).putInt(0);
            ByteBuffer opened = c.call(RawClient.fuse(Opcode.OPEN.code, 4, node, openIn.array()));
            assertEquals(0, RawClient.error(opened), "O_DIRECT open of a regular file");
            assertEquals(OpenOut.FOPEN_DIRECT_IO, opened.getInt(FuseFrames.OUT_HEADER_SIZE + 8) & OpenOut.FOPEN_DIRECT_IO,
                    "an O_DIRECT open bypasses the client's page cache");
        }
    }

    @Test
    void aConnectionOfAnotherArchitectureCannotJoinTheSession() throws Exception {
        try (RawClient first = RawClient.attached(f.socket, f.export.toString());
                RawClient second = RawClient.connect(f.socket)) {
            Failure refused = error(second.attach(first.token, f.export.toString(), otherArchitecture()));
            assertEquals(Errno.EINVAL, refused.errno());
            assertTrue(refused.reason().contains("client"), refused.reason());
        }
    }

    @Test
    void attachCreatesASessionThatOtherConnectionsJoinWithTheToken() throws Exception {
        try (RawClient first = RawClient.attached(f.socket, f.export.toString());
                RawClient second = RawClient.connect(f.socket)) {
            assertNotEquals(0, first.mountId);
            assertNotEquals(0, first.token);
            RawClient.Reply joined = second.attach(first.token, f.export.toString());
            assertEquals(FrameType.ATTACHED, joined.type());
            assertEquals(first.mountId, second.mountId);
            assertEquals(first.token, second.token);
            assertEquals(0, RawClient.error(second.call(getattrRoot(2))));
            assertEquals(0, RawClient.error(first.call(getattrRoot(4))));
            assertEquals(1, f.daemon.sessionCount());
        }
        awaitNoSessions();
    }

    @Test
    void separateAttachesGetSeparateSessions() throws Exception {
        try (RawClient a = RawClient.attached(f.socket, f.export.toString());
                RawClient b = RawClient.attached(f.socket, f.export.toString())) {
            assertNotEquals(a.mountId, b.mountId);
            assertNotEquals(a.token, b.token);
            assertEquals(2, f.daemon.sessionCount());
        }
        awaitNoSessions();
    }

    private void awaitNoSessions() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (f.daemon.sessionCount() != 0) {
            assertTrue(System.nanoTime() < deadline, "the session did not end after its last connection closed");
            Thread.sleep(20);
        }
    }

    @Test
    void anExportOutsideTheMountEntriesIsRefusedAndTheConnectionStaysUsable() throws Exception {
        Path outside = Files.createDirectory(f.root.resolve("outside"));
        try (RawClient c = RawClient.connect(f.socket)) {
            Failure refused = error(c.attach(0, outside.toString()));
            assertEquals(Errno.EACCES, refused.errno());
            assertEquals("export " + outside + " is not inside a [Mount] entry of " + f.whitelist, refused.reason());
            assertEquals(FrameType.ATTACHED, c.attach(0, f.export.toString()).type());
            assertEquals(0, RawClient.error(c.call(getattrRoot(2))));
        }
    }

    @Test
    void symlinksCannotLeadAnExportOutOfTheWhitelist() throws Exception {
        Path outside = Files.createDirectory(f.root.resolve("outside"));
        Path link = Files.createSymbolicLink(f.export.resolve("escape"), outside);
        try (RawClient c = RawClient.connect(f.socket)) {
            Failure refused = error(c.attach(0, link.toString()));
            assertEquals(Errno.EACCES, refused.errno());
            assertEquals("export " + link + " (" + outside + ") is not inside a [Mount] entry of " + f.whitelist, refused.reason());
            Failure dotdot = error(c.attach(0, f.export + "/../outside"));
            assertEquals(Errno.EACCES, dotdot.errno());
        }
    }

    @Test
    void missingAndNonDirectoryExportsAreNamed() throws Exception {
        Files.writeString(f.export.resolve("file"), "x");
        try (RawClient c = RawClient.connect(f.socket)) {
            Failure missing = error(c.attach(0, f.export + "/nope"));
            assertEquals(Errno.ENOENT, missing.errno());
            assertEquals("export " + f.export + "/nope does not exist", missing.reason());
            Failure file = error(c.attach(0, f.export + "/file"));
            assertEquals(Errno.ENOTDIR, file.errno());
            assertEquals("export " + f.export + "/file is not a directory", file.reason());
        }
    }

    @Test
    void anUnknownTokenIsStale() throws Exception {
        try (RawClient c = RawClient.connect(f.socket)) {
            Failure stale = error(c.attach(0x5eed, f.export.toString()));
            assertEquals(Errno.ESTALE, stale.errno());
            assertEquals("unknown session token (the session ended or the server restarted)", stale.reason());
        }
    }

    @Test
    void aTokenOnlyJoinsItsOwnExport() throws Exception {
        Path sub = Files.createDirectory(f.export.resolve("sub"));
        try (RawClient first = RawClient.attached(f.socket, f.export.toString()); RawClient other = RawClient.connect(f.socket)) {
            Failure wrong = error(other.attach(first.token, sub.toString()));
            assertEquals(Errno.EINVAL, wrong.errno());
            assertEquals("the session token belongs to export " + f.export + ", not " + sub, wrong.reason());
        }
    }

    @Test
    void aConnectionAttachesOnce() throws Exception {
        try (RawClient c = RawClient.attached(f.socket, f.export.toString())) {
            Failure again = error(c.attach(0, f.export.toString()));
            assertEquals(Errno.EISCONN, again.errno());
            assertEquals(0, RawClient.error(c.call(getattrRoot(2))), "the first attachment still serves");
        }
    }

    @Test
    void aMaxWriteBeyondTheFrameSizeIsRefused() throws Exception {
        try (RawClient c = RawClient.connect(f.socket)) {
            c.frame(FrameType.ATTACH, 0, 1, new qtfs.wire.Attach(0, 38, 4 << 20, 0, java.time.Duration.ZERO, java.time.Duration.ZERO,
                    Architecture.X86_64, f.export.toString()).encode());
            Failure tooBig = error(c.next());
            assertEquals(Errno.EINVAL, tooBig.errno());
            assertEquals("max write 4194304 is larger than this server's frames allow (1048576)", tooBig.reason());
        }
    }
}
