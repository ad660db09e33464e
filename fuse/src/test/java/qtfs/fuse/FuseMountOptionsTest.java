package qtfs.fuse;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class FuseMountOptionsTest {
    private static FuseMountOptions options(String source, String subtype, int threads, int maxWrite) {
        return new FuseMountOptions(Path.of("/mnt"), source, subtype, threads, maxWrite, false, false,
                FuseSession.DEFAULT_INIT_FLAGS);
    }

    private static String refusal(String source, String subtype, int threads, int maxWrite) {
        return assertThrows(IllegalArgumentException.class, () -> options(source, subtype, threads, maxWrite)).getMessage();
    }

    @Test
    void acceptsTypicalValues() {
        assertEquals(1 << 20, options("host:/srv", "qtfs", 8, 1 << 20).maxWrite());
    }

    @Test
    void namesTheBadValue() {
        assertEquals("FUSE threads must be at least 1, not 0", refusal("host:/srv", "qtfs", 0, 1 << 20));
        assertEquals("FUSE max_write must be a multiple of 4096 between 4 KiB and 16 MiB, not 5000",
                refusal("host:/srv", "qtfs", 1, 5000));
        assertEquals("FUSE subtype must be letters, digits, '.', '_' or '-', not 'a,b'", refusal("host:/srv", "a,b", 1, 4096));
        assertEquals("FUSE source must be non-empty without commas or blanks, not 'a b'", refusal("a b", "qtfs", 1, 4096));
        assertEquals("FUSE source must be non-empty without commas or blanks, not 'x,allow_other'",
                refusal("x,allow_other", "qtfs", 1, 4096));
    }
}
