package qtfs.server.fs;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * One path component from a request: the NUL-terminated bytes in the request buffer
 * (passed to *at() calls without copying) and their length without the NUL.
 */
record Name(MemorySegment cString, int length) {
    static final int NAME_MAX = 255;

    boolean isDot() {
        return length == 1 && cString.get(JAVA_BYTE, 0) == '.';
    }

    boolean isDotDot() {
        return length == 2 && cString.get(JAVA_BYTE, 0) == '.' && cString.get(JAVA_BYTE, 1) == '.';
    }

    /** Refuses "." and "..": outside LOOKUP they would act on a directory other than the one named. */
    Name plain() throws FuseError {
        if (isDot() || isDotDot()) throw new FuseError(qtfs.sys.Errno.EINVAL, "name '" + this + "' is not a plain name");
        return this;
    }

    byte[] bytes() {
        return cString.asSlice(0, length).toArray(JAVA_BYTE);
    }

    @Override
    public String toString() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }
}
