package qtfs.sys;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reading the text of /proc/PID/mountinfo (see proc(5)). */
public final class MountInfo {
    private MountInfo() {}

    /** The mount points (the fifth field of each line), in the table's order, unescaped. */
    public static List<String> mountPoints(String mountinfo) {
        List<String> points = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            if (f.length > 4) points.add(unescape(f[4]));
        }
        return points;
    }

    /** A field with the kernel's {@code \ooo} octal escapes of space, tab, newline and backslash undone. */
    public static String unescape(String field) {
        if (field.indexOf('\\') < 0) return field;
        byte[] in = field.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[in.length];
        int n = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\\' && i + 3 < in.length && isOctal(in[i + 1]) && isOctal(in[i + 2]) && isOctal(in[i + 3])) {
                out[n++] = (byte) (((in[i + 1] - '0') << 6) | ((in[i + 2] - '0') << 3) | (in[i + 3] - '0'));
                i += 3;
            } else {
                out[n++] = in[i];
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private static boolean isOctal(byte b) {
        return b >= '0' && b <= '7';
    }
}
