package qtfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class NumberOptionTest {

    @Test
    void integersWithinRange() throws UsageException {
        assertEquals(7, NumberOption.integer("--n", " 7 ", 1, 10));
        assertEquals("--n: 'x7' is not a whole number",
                assertThrows(UsageException.class, () -> NumberOption.integer("--n", "x7", 1, 10)).getMessage());
        assertEquals("--n: 11 is out of range (1 to 10)",
                assertThrows(UsageException.class, () -> NumberOption.integer("--n", "11", 1, 10)).getMessage());
        assertEquals("--n: 99999999999 is out of range (1 to 10)",
                assertThrows(UsageException.class, () -> NumberOption.integer("--n", "99999999999", 1, 10))
                        .getMessage());
    }

    @Test
    void sizesTakeBinarySuffixes() throws UsageException {
        assertEquals(65536, NumberOption.bytes("--s", "65536", 1, Integer.MAX_VALUE));
        assertEquals(65536, NumberOption.bytes("--s", "64K", 1, Integer.MAX_VALUE));
        assertEquals(65536, NumberOption.bytes("--s", "64KiB", 1, Integer.MAX_VALUE));
        assertEquals(2 << 20, NumberOption.bytes("--s", "2M", 1, Integer.MAX_VALUE));
        assertEquals(2 << 20, NumberOption.bytes("--s", "2 MiB", 1, Integer.MAX_VALUE));
        assertEquals("--s: '2G' is not a size (examples: 1048576, 1024K, 1M)",
                assertThrows(UsageException.class, () -> NumberOption.bytes("--s", "2G", 1, 100)).getMessage());
        assertEquals("--s: 1K is out of range (1 to 100 bytes)",
                assertThrows(UsageException.class, () -> NumberOption.bytes("--s", "1K", 1, 100)).getMessage());
    }

    @Test
    void secondsMayHaveAFraction() throws UsageException {
        assertEquals(Duration.ofMillis(500), NumberOption.seconds("t", "0.5", 10));
        assertEquals(Duration.ZERO, NumberOption.seconds("t", "0", 10));
        assertEquals(Duration.ofSeconds(10), NumberOption.seconds("t", "10", 10));
        assertEquals("t: 'soon' is not a number of seconds (examples: 1, 0.5, 0)",
                assertThrows(UsageException.class, () -> NumberOption.seconds("t", "soon", 10)).getMessage());
        assertEquals("t: -1 is out of range (0 to 10 seconds)",
                assertThrows(UsageException.class, () -> NumberOption.seconds("t", "-1", 10)).getMessage());
        assertEquals("t: 10.5 is out of range (0 to 10 seconds)",
                assertThrows(UsageException.class, () -> NumberOption.seconds("t", "10.5", 10)).getMessage());
    }
}
