package qtfs.client;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

import qtfs.fuse.proto.Notify;

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
    void theServersInvalidationOfANodeDropsItsHint() {
        XattrAbsence a = new XattrAbsence(Duration.ofHours(1));
        a.learned(new long[] {5, 6});
        MemorySegment m = MemorySegment.ofArray(new long[64]);
        a.notified(m.asSlice(0, Notify.invalEntry(m, 6, "x".getBytes())));
        assertTrue(a.absent(6), "a name invalidated in directory 6 says nothing of 6's attributes");
        a.notified(m.asSlice(0, Notify.invalInode(m, 5, -1, 0)));
        assertFalse(a.absent(5), "changed on the server (setxattr there): the client asks again");
        a.learned(new long[] {5});
        assertFalse(a.absent(5), "a hint may predate the change: not believed for one timeout");
        assertTrue(a.absent(6));
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
