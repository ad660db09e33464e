package qtfs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The qtfs version, as recorded by the build. */
public final class Version {
    private Version() {
    }

    public static String get() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            // fall through to "unknown": a missing version must not stop the program
        }
        String v = p.getProperty("version", "");
        return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
    }

    /** The {@code --version} line of a program. */
    public static String line(String program) {
        return program + " (qtfs) " + get();
    }
}
