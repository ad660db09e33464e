package qtfs.server.fs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** The constant C strings "", "." and "..". */
final class Dots {
    private Dots() {}

    static final MemorySegment EMPTY = Arena.global().allocateFrom("");
    static final MemorySegment DOT = Arena.global().allocateFrom(".");
    static final MemorySegment DOTDOT = Arena.global().allocateFrom("..");
}
