package qtfs.client;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class XattrAbsenceTest {
    @Test
    void aHintedNodeIsAbsentUntilItChangesThroughTheMount() {
        XattrAbsence a = new XattrAbsence(Duration.ofHours(1));
        assertFalse(a.absent(5));
        a.learned(new long[] {5, 6});
        assertTrue(a.absent(5));
        assertTrue(a.absent(6));
        a.changing(5);
        assertFalse(a.absent(5));
        a.learned(new long[] {5});
        assertFalse(a.absent(5), "a hint may predate the change: not believed for one timeout");
        a.forget(6);
        assertFalse(a.absent(6));
    }

    @Test
    void hintsExpireWithTheAttributeTimeout() throws Exception {
        XattrAbsence a = new XattrAbsence(Duration.ofNanos(1));
        a.learned(new long[] {5});
        Thread.sleep(1);
        assertFalse(a.absent(5));
    }

    @Test
    void withoutAttributeCachingNothingIsKept() {
        XattrAbsence a = new XattrAbsence(Duration.ZERO);
        assertFalse(a.enabled());
        a.learned(new long[] {5});
        assertFalse(a.absent(5));
    }
}
