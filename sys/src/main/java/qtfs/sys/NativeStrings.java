package qtfs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** File names are bytes, not text: conversions between Java byte arrays and C strings. */
public final class NativeStrings {
    private NativeStrings() {}

    /** A NUL-terminated copy of {@code name} in {@code arena}. */
    public static MemorySegment cString(Arena arena, byte[] name) {
        MemorySegment s = arena.allocate(name.length + 1L);
        MemorySegment.copy(name, 0, s, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, name.length);
        s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, name.length, (byte) 0);
        return s;
    }

    public static MemorySegment cString(Arena arena, String name) {
        return cString(arena, name.getBytes(StandardCharsets.UTF_8));
    }
}
