package qtfs.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A configuration file of {@code key = value} lines whose keys are the long options of the
 * program without the dashes ({@code listen = unix:/run/qtfs/qtfsd.sock}). Blank lines and
 * lines starting with {@code #} are ignored; a key may repeat where the option may.
 */
public final class ConfigFile {

    /**
     * One setting.
     *
     * @param key   the option's long name
     * @param value the text after {@code =}, trimmed; may be empty for a flag
     * @param where {@code FILE:LINE}, for error messages
     */
    public record Entry(String key, String value, String where) {
    }

    private ConfigFile() {
    }

    public static List<Entry> read(Path file) throws UsageException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException("config file " + file + " does not exist");
        } catch (IOException e) {
            throw new UsageException("cannot read config file " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    public static List<Entry> parse(String text, String origin) throws UsageException {
        List<Entry> entries = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            String where = origin + ":" + (i + 1);
            if (line.isEmpty() || line.startsWith("#")) continue;
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new UsageException(where + ": expected 'key = value', found '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            if (key.isEmpty()) throw new UsageException(where + ": missing key before '='");
            if (key.startsWith("-")) {
                throw new UsageException(where + ": write the key without dashes ('" + key.replaceFirst("^-+", "")
                        + " = ...')");
            }
            entries.add(new Entry(key, line.substring(eq + 1).strip(), where));
        }
        return entries;
    }
}
