package qtfs.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

import qtfs.fuse.proto.InitFlags;
import qtfs.fuse.proto.InitOut;
import qtfs.fuse.proto.InitParams;
import qtfs.fuse.proto.OutHeader;

import static org.junit.jupiter.api.Assertions.*;

/** The INIT arithmetic for kernels other than the one these tests run on. */
class InitNegotiationTest {
    private static final long EVERYTHING = -1L;
    private static final int MIB = 1 << 20;

    private static InitParams negotiate(int major, int minor, long offered, int maxWrite, int pageSize, int limit)
            throws InitNegotiation.Refused {
        return InitNegotiation.negotiate(major, minor, 128 * 1024, offered, maxWrite, FuseSession.DEFAULT_INIT_FLAGS,
                pageSize, limit);
    }

    @Test
    void aNewerKernelGetsOurVersionAndOnlyTheFlagsWeWant() throws Exception {
        InitParams p = negotiate(7, 44, EVERYTHING, MIB, 4096, 256);
        assertEquals(7, p.major());
        assertEquals(38, p.minor());
        assertEquals(FuseSession.DEFAULT_INIT_FLAGS | InitFlags.INIT_EXT, p.flags());
        assertEquals(MIB, p.maxWrite());
        assertEquals(256, p.maxPages());
        assertEquals(128 * 1024, p.maxReadahead());
        assertEquals(1, p.timeGran());
    }

    @Test
    void anOlderKernelIsSpokenToInItsVersionWithTheFlagsItOffers() throws Exception {
        long offered = InitFlags.ASYNC_READ | InitFlags.POSIX_LOCKS | InitFlags.MAX_PAGES | InitFlags.WRITEBACK_CACHE;
        InitParams p = negotiate(7, 31, offered, MIB, 4096, 256);
        assertEquals(31, p.minor());
        assertEquals(InitFlags.ASYNC_READ | InitFlags.POSIX_LOCKS | InitFlags.MAX_PAGES, p.flags());
    }

    @Test
    void refusesKernelsOlderThan731AndOtherMajorVersions() {
        InitNegotiation.Refused old = assertThrows(InitNegotiation.Refused.class,
                () -> negotiate(7, 30, EVERYTHING, MIB, 4096, 256));
        assertEquals("the kernel speaks FUSE protocol 7.30, qtfs needs 7.31 or later (Linux 5.4 or later)", old.getMessage());
        InitNegotiation.Refused other = assertThrows(InitNegotiation.Refused.class,
                () -> negotiate(8, 0, EVERYTHING, MIB, 4096, 256));
        assertEquals("the kernel speaks FUSE protocol 8.0, qtfs speaks 7.31 to 7.38", other.getMessage());
    }

    @Test
    void maxWriteIsCappedByTheKernelsPageLimit() throws Exception {
        InitParams p = negotiate(7, 38, EVERYTHING, 4 * MIB, 4096, 256);
        assertEquals(256, p.maxPages());
        assertEquals(MIB, p.maxWrite());
    }

    @Test
    void maxPagesCountsTheKernelsPagesNotFourKibibyteOnes() throws Exception {
        InitParams p = negotiate(7, 38, EVERYTHING, MIB, 64 * 1024, 256);
        assertEquals(16, p.maxPages());
        assertEquals(MIB, p.maxWrite());
    }

    @Test
    void withoutMaxPagesTheKernelsDefaultOf32PagesBoundsMaxWrite() throws Exception {
        InitParams p = negotiate(7, 38, EVERYTHING & ~InitFlags.MAX_PAGES, MIB, 4096, 256);
        assertEquals(32, p.maxPages());
        assertEquals(128 * 1024, p.maxWrite());
    }

    @Test
    void theReplyCarriesTheUpperFlagsInFlags2() throws Exception {
        InitParams p = InitNegotiation.negotiate(7, 38, 0, EVERYTHING, MIB,
                InitFlags.ASYNC_READ | InitFlags.SECURITY_CTX, 4096, 256);
        MemorySegment reply = Arena.ofAuto().allocate(InitNegotiation.REPLY_SIZE);
        assertEquals(80, InitNegotiation.writeReply(reply, 42, p));
        assertEquals(80, OutHeader.len(reply));
        assertEquals(0, OutHeader.error(reply));
        assertEquals(42, OutHeader.unique(reply));
        MemorySegment body = reply.asSlice(OutHeader.SIZE);
        assertEquals(InitFlags.ASYNC_READ | InitFlags.SECURITY_CTX | InitNegotiation.SESSION_FLAGS, InitOut.flags(body));
        assertEquals(1, body.get(qtfs.fuse.proto.Le.U32, InitOut.FLAGS2), "SECURITY_CTX is bit 32");
        assertEquals(MIB, InitOut.maxWrite(body));
        assertEquals(256, InitOut.maxPages(body));
        assertEquals(64, InitOut.maxBackground(body));
        assertEquals(48, InitOut.congestionThreshold(body));
        assertEquals(1, InitOut.timeGran(body));
    }
}
