package qtfs.server.fs;

import org.junit.jupiter.api.Test;

import qtfs.fuse.proto.InitFlags;
import qtfs.fuse.proto.InitParams;
import qtfs.sys.Arch;
import qtfs.sys.OpenFlags;

import static org.junit.jupiter.api.Assertions.*;

/** Open flags from a client kernel of either architecture become this machine's flags. */
class ClientOpenFlagsTest {
    private static final InitParams PLAIN = new InitParams(7, 38, 0, 4096, 4096, 1, 1);
    private static final Arch OTHER = Arch.current() == Arch.X86_64 ? Arch.AARCH64 : Arch.X86_64;

    @Test
    void archSpecificBitsAreTranslated() {
        ClientOpenFlags flags = new ClientOpenFlags(OTHER, PLAIN);
        int fromClient = OpenFlags.O_RDWR | OpenFlags.O_APPEND | OTHER.oDirect() | OTHER.oLargefile();
        int local = flags.toLocal(fromClient);
        assertEquals(OpenFlags.O_RDWR | OpenFlags.O_APPEND | OpenFlags.O_DIRECT | OpenFlags.O_LARGEFILE, local);
        assertTrue(flags.direct(fromClient));
        assertFalse(flags.direct(OTHER.oDirectory()), "the other machine's O_DIRECT bit is not this one's");
        assertEquals(OpenFlags.O_DIRECTORY, flags.toLocal(OTHER.oDirectory()));
    }

    @Test
    void callerOnlyFlagsAreDropped() {
        ClientOpenFlags flags = new ClientOpenFlags(Arch.current(), PLAIN);
        int open = flags.forOpen(OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_EXCL | OpenFlags.O_NOCTTY
                | OpenFlags.O_NOFOLLOW | OpenFlags.O_TRUNC | OpenFlags.O_DIRECT);
        assertEquals(OpenFlags.O_WRONLY | OpenFlags.O_TRUNC | OpenFlags.O_CLOEXEC, open);
    }

    @Test
    void writebackCacheNeedsReadableDescriptorsAndNoAppend() {
        ClientOpenFlags flags = new ClientOpenFlags(Arch.current(),
                new InitParams(7, 38, InitFlags.WRITEBACK_CACHE, 4096, 4096, 1, 1));
        assertEquals(OpenFlags.O_RDWR | OpenFlags.O_CLOEXEC, flags.forOpen(OpenFlags.O_WRONLY | OpenFlags.O_APPEND));
    }
}
