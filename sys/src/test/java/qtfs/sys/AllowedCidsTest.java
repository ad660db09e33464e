package qtfs.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class AllowedCidsTest {
    @Test
    void listsAndRepeatedOptionsCombine() {
        AllowedCids policy = AllowedCids.parse(List.of("4,3", " 10 "));
        assertTrue(policy.allows(3));
        assertTrue(policy.allows(4));
        assertTrue(policy.allows(10));
        assertFalse(policy.allows(5));
        assertFalse(policy.allows(Vsock.VMADDR_CID_ANY));
        assertFalse(policy.allowsAny());
        assertEquals("3,4,10", policy.toString());
        assertEquals(policy, AllowedCids.parse(policy.toString()));
    }

    @Test
    void anyAllowsEveryone() {
        AllowedCids policy = AllowedCids.parse(List.of("3", "any"));
        assertTrue(policy.allowsAny());
        assertTrue(policy.allows(12345));
        assertTrue(policy.allows(-2));
        assertEquals("any", policy.toString());
        assertEquals(AllowedCids.any(), policy);
    }

    @Test
    void largeCidsAreUnsigned() {
        AllowedCids policy = AllowedCids.parse("4294967294");
        assertTrue(policy.allows(-2));
        assertFalse(policy.allows(2));
        assertEquals("4294967294", policy.toString());
        assertEquals(policy, AllowedCids.of(List.of(-2)));
    }

    @Test
    void refusalNamesThePeerAndThePolicy() {
        AllowedCids policy = AllowedCids.parse("3,4");
        assertEquals("refused vsock connection from vsock:7:1035: CID 7 is not allowed (--allow-cid 3,4)",
                policy.refusal(new VsockAddress(7, 1035)));
    }

    @Test
    void badValuesNameTheOption() {
        assertEquals("--allow-cid '3,x': 'x' is not a CID (a number 0..4294967294) or 'any'",
                assertThrows(IllegalArgumentException.class, () -> AllowedCids.parse("3,x")).getMessage());
        assertEquals("--allow-cid '3,,4': empty entry in the list",
                assertThrows(IllegalArgumentException.class, () -> AllowedCids.parse("3,,4")).getMessage());
        assertEquals("--allow-cid '': expected a CID, a list of CIDs (3,4) or 'any'",
                assertThrows(IllegalArgumentException.class, () -> AllowedCids.parse("")).getMessage());
        assertEquals("--allow-cid '4294967295': CID 4294967295 is out of range 0..4294967294",
                assertThrows(IllegalArgumentException.class, () -> AllowedCids.parse("4294967295")).getMessage());
        assertEquals("--allow-cid '-3': '-3' is not a CID (a number 0..4294967294) or 'any'",
                assertThrows(IllegalArgumentException.class, () -> AllowedCids.parse("-3")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> AllowedCids.parse(List.of()));
        assertThrows(IllegalArgumentException.class, () -> AllowedCids.of(List.of()));
    }
}
