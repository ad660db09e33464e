package qtfs.sys;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** A failed call is an everyday answer: its exception carries no stack trace, yet reads well. */
class ErrnoExceptionTest {
    @Test
    void aFailedCallNamesTheCallThePathAndTheError() {
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> FileIo.open("/nonexistent-qtfs-test-dir/file", OpenFlags.O_RDONLY, 0));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("open", e.call());
        assertTrue(e.getMessage().startsWith("open /nonexistent-qtfs-test-dir/file: "), e.getMessage());
        assertTrue(e.getMessage().contains("ENOENT"), e.getMessage());
        assertTrue(e.toString().contains(e.getMessage()));
    }

    @Test
    void carriesNoStackTrace() {
        assertEquals(0, new ErrnoException("getxattr", Errno.ENODATA).getStackTrace().length);
    }
}
