package qtfs.fuse;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import qtfs.fuse.proto.InitFlags;
import qtfs.fuse.proto.InitOut;
import qtfs.fuse.proto.InitParams;
import qtfs.fuse.proto.OutHeader;

/**
 * Settles FUSE_INIT: the protocol version, the capability flags both sides want, and the
 * size limits. Pure arithmetic on the kernel's offer, so every case can be checked without a kernel.
 */
final class InitNegotiation {
    private InitNegotiation() {}

    static final int MAJOR = 7, MINOR = 38;
    /** 7.31 is what Linux 5.4, the oldest long-term kernel qtfs supports, speaks; older kernels are refused. */
    static final int OLDEST_MINOR = 31;
    static final int MAX_BACKGROUND = 64, CONGESTION_THRESHOLD = 48, TIME_GRAN = 1;
    /** The kernel's max_pages when FUSE_MAX_PAGES is not agreed, and its default cap on max_pages. */
    static final int DEFAULT_MAX_PAGES = 32, DEFAULT_MAX_PAGES_LIMIT = 256;
    /** Flags the session itself needs whatever the file system asked for: max_pages and flags2 must be read. */
    static final long SESSION_FLAGS = InitFlags.MAX_PAGES | InitFlags.INIT_EXT;
    static final int REPLY_SIZE = OutHeader.SIZE + InitOut.SIZE;

    /** The kernel offered something we cannot speak; the message says what. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * @param maxWrite       the largest write the file system accepts (bytes)
     * @param pageSize       the kernel's page size
     * @param maxPagesLimit  the kernel's cap on max_pages (fs.fuse.max_pages_limit)
     */
    static InitParams negotiate(int kernelMajor, int kernelMinor, int kernelMaxReadahead, long kernelFlags,
            int maxWrite, long wantedFlags, int pageSize, int maxPagesLimit) throws Refused {
        if (kernelMajor != MAJOR) {
            throw new Refused("the kernel speaks FUSE protocol " + kernelMajor + "." + kernelMinor
                    + ", qtfs speaks " + MAJOR + "." + OLDEST_MINOR + " to " + MAJOR + "." + MINOR);
        }
        if (kernelMinor < OLDEST_MINOR) {
            throw new Refused("the kernel speaks FUSE protocol " + kernelMajor + "." + kernelMinor
                    + ", qtfs needs " + MAJOR + "." + OLDEST_MINOR + " or later (Linux 5.4 or later)");
        }
        int minor = Math.min(kernelMinor, MINOR);
        long flags = (wantedFlags | SESSION_FLAGS) & kernelFlags;
        int maxPages = (flags & InitFlags.MAX_PAGES) != 0
                ? Math.max(1, Math.min((maxWrite + pageSize - 1) / pageSize, maxPagesLimit))
                : DEFAULT_MAX_PAGES;
        int effectiveMaxWrite = (int) Math.min(maxWrite, (long) maxPages * pageSize);
        return new InitParams(MAJOR, minor, flags, effectiveMaxWrite, kernelMaxReadahead, maxPages, TIME_GRAN);
    }

    /** Writes the whole INIT reply (out header and fuse_init_out) for {@code params} into {@code reply}; returns its size. */
    static int writeReply(MemorySegment reply, long unique, InitParams params) {
        OutHeader.write(reply, REPLY_SIZE, 0, unique);
        InitOut.write(reply.asSlice(OutHeader.SIZE, InitOut.SIZE), params.major(), params.minor(), params.maxReadahead(),
                params.flags(), MAX_BACKGROUND, CONGESTION_THRESHOLD, params.maxWrite(), params.timeGran(),
                params.maxPages());
        return REPLY_SIZE;
    }

    /** The kernel's cap on max_pages: fs.fuse.max_pages_limit where the kernel has it (6.13+), else 256. */
    static int kernelMaxPagesLimit() {
        // One read with room to spare: sysctl files answer a read at a later offset with end-of-file.
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys/fs/fuse/max_pages_limit"))) {
            return Integer.parseInt(new String(in.readNBytes(32), StandardCharsets.US_ASCII).strip());
        } catch (IOException | NumberFormatException e) {
            return DEFAULT_MAX_PAGES_LIMIT;
        }
    }
}
