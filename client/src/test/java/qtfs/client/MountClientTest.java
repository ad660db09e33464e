package qtfs.client;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import qtfs.transport.Address;
import qtfs.wire.Attach;

/** The client against a scripted server: real sockets, real FUSE mounts, a server with known behaviour. */
@Timeout(120)
class MountClientTest {
    private Path root;
    private Path mnt;
    private Address.Unix address;
    private ScriptedServer server;
    private MountClient client;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createTempDirectory(Path.of("/tmp"), "qtfs-c");
        mnt = Files.createDirectory(root.resolve("mnt"));
        address = new Address.Unix(root.resolve("s.sock"));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (client != null) client.close();
        } finally {
            Mounts.forceUnmount(mnt);
            if (server != null) server.close();
            Mounts.deleteTree(root);
        }
    }

    private ClientOptions options(int connections, boolean allowOther) {
        return new ClientOptions(address, "/srv/data", mnt, connections, 2, Duration.ofSeconds(3), Duration.ofSeconds(5), allowOther, false);
    }

    @Test
    void attachesEveryConnectionAndTheKernelSeesTheServersAnswers() throws Exception {
        server = new ScriptedServer(address);
        client = MountClient.mount(options(3, false));
        assertTrue(Mounts.isMounted(mnt));
        PosixFileAttributes attrs = Files.readAttributes(mnt, PosixFileAttributes.class);
        assertEquals(ScriptedServer.ROOT_UID, (int) Files.getAttribute(mnt, "unix:uid"));
        assertTrue(attrs.isDirectory());

        Attach first = server.attaches.poll(10, TimeUnit.SECONDS);
        assertEquals(0, first.token(), "the first connection creates the session");
        assertEquals("/srv/data", first.exportPath());
        assertEquals(Duration.ofSeconds(3), first.attrTimeout());
        assertEquals(Duration.ofSeconds(5), first.entryTimeout());
        assertTrue(first.fuseMinor() > 0 && first.maxWrite() >= 4096, first.toString());
        for (int i = 1; i < 3; i++) {
            Attach join = server.attaches.poll(10, TimeUnit.SECONDS);
            assertEquals(ScriptedServer.TOKEN, join.token(), "the others join with the token");
            assertEquals(first.maxWrite(), join.maxWrite());
        }
        assertThrows(NoSuchFileException.class, () -> Files.readAttributes(mnt.resolve("nothing"), PosixFileAttributes.class));
    }

    @Test
    void aRefusedAttachFailsTheMountWithTheServersReasonAndLeavesNothingMounted() throws Exception {
        server = new ScriptedServer(address);
        server.refuseAttach("export /srv/data is not inside a [Mount] entry of /etc/qtfs/whitelist");
        var e = assertThrows(MountException.class, () -> MountClient.mount(options(2, false)));
        assertEquals("cannot mount /srv/data from " + address + " on " + mnt
                + ": the server refused: export /srv/data is not inside a [Mount] entry of /etc/qtfs/whitelist", e.getMessage());
        assertFalse(Mounts.isMounted(mnt));
        awaitServerConnections(0);
    }

    @Test
    void anUnreachableServerFailsBeforeAnythingIsMounted() {
        var e = assertThrows(MountException.class, () -> MountClient.mount(options(2, false)));
        assertEquals("cannot mount /srv/data from " + address + " on " + mnt + ": cannot connect to " + address
                + ": No such file or directory", e.getMessage());
        assertDoesNotThrow(() -> assertFalse(Mounts.isMounted(mnt)));
    }

    @Test
    void onASoftMountARequestThatKeepsBreakingItsConnectionFailsWithEioAndTheMountCarriesOn() throws Exception {
        server = new ScriptedServer(address);
        client = MountClient.mount(options(2, false), Recovery.soft(Duration.ofSeconds(10), Duration.ofSeconds(1)));
        var lost = assertThrows(FileSystemException.class, () -> Files.readAttributes(mnt.resolve("drop"), PosixFileAttributes.class));
        assertTrue(lost.getMessage().endsWith("Input/output error"), lost.getMessage());
        for (int i = 0; i < 8; i++) {
            // whichever connection a request takes, it is served: the lost ones were made again
            String name = "still-served-" + i;
            assertThrows(NoSuchFileException.class, () -> Files.readAttributes(mnt.resolve(name), PosixFileAttributes.class));
        }
    }

    @Test
    void theRequestsOfOneThreadKeepToOneConnectionAndThreadsSpreadOverThem() throws Exception {
        server = new ScriptedServer(address);
        client = MountClient.mount(options(4, false));
        java.util.Set<Object> used = new java.util.HashSet<>();
        for (int i = 0; i < 8; i++) {
            String name = "same-thread-" + i;
            assertThrows(NoSuchFileException.class, () -> Files.readAttributes(mnt.resolve(name), PosixFileAttributes.class));
            used.add(lookupOf(name).via());
        }
        assertEquals(1, used.size(), "one thread, one connection");

        used.clear();
        for (int t = 0; t < 16; t++) {
            String name = "thread-" + t;
            Thread.ofPlatform().start(() -> assertThrows(NoSuchFileException.class, () -> Files.readAttributes(mnt.resolve(name),
                    PosixFileAttributes.class))).join();
            used.add(lookupOf(name).via());
        }
        assertTrue(used.size() > 1, "16 threads all on one connection");
    }

    private ScriptedServer.Lookup lookupOf(String name) throws InterruptedException {
        while (true) {
            ScriptedServer.Lookup l = server.lookups.poll(10, TimeUnit.SECONDS);
            assertNotNull(l, "no LOOKUP of " + name);
            if (l.name().equals(name)) return l;
        }
    }

    @Test
    void onASoftMountLosingEveryConnectionFailsTheRequestWithEioAndTheMountCarriesOn() throws Exception {
        server = new ScriptedServer(address);
        client = MountClient.mount(options(2, false), Recovery.soft(Duration.ofSeconds(10), Duration.ofSeconds(1)));
        var lost = assertThrows(FileSystemException.class, () -> Files.readAttributes(mnt.resolve("dropall"), PosixFileAttributes.class));
        assertTrue(lost.getMessage().endsWith("Input/output error"), lost.getMessage());
        assertThrows(NoSuchFileException.class, () -> Files.readAttributes(mnt.resolve("after"), PosixFileAttributes.class));
    }

    @Test
    void requestsOfOtherUsersCarryTheirSupplementaryGroups() throws Exception {
        server = new ScriptedServer(address);
        client = MountClient.mount(options(1, true));
        Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        assertNotEquals(0, Mounts.run("setpriv", "--reuid=4321", "--regid=4321", "--groups=11,22,33", "stat", mnt.resolve("probe").toString()));
        ScriptedServer.Lookup probe = server.lookups.poll(10, TimeUnit.SECONDS);
        assertEquals("probe", probe.name());
        assertEquals(4321, probe.uid());
        assertArrayEquals(new int[] {11, 22, 33}, probe.groups());

        assertThrows(NoSuchFileException.class, () -> Files.readAttributes(mnt.resolve("as-root"), PosixFileAttributes.class));
        ScriptedServer.Lookup asRoot = server.lookups.poll(10, TimeUnit.SECONDS);
        assertEquals("as-root", asRoot.name());
        assertEquals(0, asRoot.groups().length, "root's requests need no groups");
    }

    @Test
    void anUnmountFromOutsideEndsTheClientAndItsConnections() throws Exception {
        server = new ScriptedServer(address);
        client = MountClient.mount(options(2, false));
        assertEquals(0, Mounts.run("umount", mnt.toString()));
        client.awaitUnmount();
        awaitServerConnections(0);
    }

    @Test
    void closeUnmountsAndDisconnects() throws Exception {
        server = new ScriptedServer(address);
        client = MountClient.mount(options(2, false));
        client.close();
        client.awaitUnmount();
        assertFalse(Mounts.isMounted(mnt));
        awaitServerConnections(0);
    }

    /** The server sees closed connections when it next reads them: wait for it, without a timing assertion. */
    private void awaitServerConnections(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.liveConnections() != expected) {
            assertTrue(System.nanoTime() < deadline, "server connections: " + server.liveConnections() + ", expected " + expected);
            Thread.sleep(20);
        }
    }
}
