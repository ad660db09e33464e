package qtfs.server.whitelist;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The server paths each kind of operation may touch (/etc/qtfs/whitelist). The file is INI:
 * sections named after {@link Section}, each with one or more {@code Path=/a;/b} lines;
 * comments start with {@code #} or {@code ;}. Paths are absolute and normalised, and an entry
 * covers itself and everything below it, matched by whole components: {@code /srv/a} covers
 * {@code /srv/a/x} but not {@code /srv/ab}. A section that is absent allows nothing.
 * Instances are immutable.
 */
public final class Whitelist {
    private static final String KEY = "Path";

    private final String origin;
    private final Map<Section, List<String>> paths;

    private Whitelist(String origin, Map<Section, List<String>> paths) {
        this.origin = origin;
        this.paths = paths;
    }

    /** Reads and parses {@code file}; errors name the file and line. */
    public static Whitelist load(Path file) throws WhitelistException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new WhitelistException(file + ": cannot read the whitelist: " + e.getMessage());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new WhitelistException(file + ": the whitelist is not valid UTF-8");
        }
        return parse(text, file.toString());
    }

    /** Parses whitelist text; {@code origin} names it in error messages (usually the file name). */
    public static Whitelist parse(String text, String origin) throws WhitelistException {
        Map<Section, Set<String>> found = new EnumMap<>(Section.class);
        Section current = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String where = origin + ":" + (i + 1);
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) continue;
            if (line.startsWith("[")) {
                current = section(line, where);
                found.computeIfAbsent(current, s -> new LinkedHashSet<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0)
                throw new WhitelistException(where + ": expected a [Section] header or a Path= line, found '" + line + "'");
            String key = line.substring(0, eq).strip();
            if (!key.equals(KEY))
                throw new WhitelistException(where + ": unknown key '" + key + "'"
                        + (key.equalsIgnoreCase(KEY) ? " (keys are case-sensitive: write Path=)" : "; the only key is Path="));
            if (current == null)
                throw new WhitelistException(where + ": Path= before any [Section] header");
            Set<String> entries = found.get(current);
            for (String raw : line.substring(eq + 1).split(";")) {
                String path = raw.strip();
                if (!path.isEmpty()) entries.add(normalise(path, where));
            }
        }
        Map<Section, List<String>> paths = new EnumMap<>(Section.class);
        found.forEach((section, entries) -> paths.put(section, List.copyOf(entries)));
        return new Whitelist(origin, paths);
    }

    private static Section section(String line, String where) throws WhitelistException {
        if (!line.endsWith("]"))
            throw new WhitelistException(where + ": section header '" + line + "' lacks its closing ]");
        String title = line.substring(1, line.length() - 1).strip();
        for (Section s : Section.values()) if (s.title.equals(title)) return s;
        String known = Arrays.stream(Section.values()).map(s -> "[" + s.title + "]").collect(Collectors.joining(" "));
        for (Section s : Section.values())
            if (s.title.equalsIgnoreCase(title))
                throw new WhitelistException(where + ": unknown section [" + title + "] (section names are case-sensitive: write [" + s.title + "])");
        throw new WhitelistException(where + ": unknown section [" + title + "]; known sections: " + known);
    }

    private static String normalise(String path, String where) throws WhitelistException {
        if (!path.startsWith("/"))
            throw new WhitelistException(where + ": path '" + path + "' is not absolute (it must start with /)");
        if (path.indexOf('\0') >= 0)
            throw new WhitelistException(where + ": path '" + path.replace('\0', '?') + "' contains a NUL character");
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty()) continue;
            if (part.equals(".") || part.equals(".."))
                throw new WhitelistException(where + ": path '" + path + "' has a '" + part
                        + "' component; write the path without . or .. components");
            parts.add(part);
        }
        return "/" + String.join("/", parts);
    }

    /**
     * Whether {@code canonicalPath} (absolute, normalised, symlinks resolved) lies at or below
     * an entry of {@code section}.
     */
    public boolean allows(Section section, String canonicalPath) {
        for (String entry : paths(section)) if (covers(entry, canonicalPath)) return true;
        return false;
    }

    /** The entries of {@code section} in file order; empty when the section is absent. */
    public List<String> paths(Section section) {
        return paths.getOrDefault(section, List.of());
    }

    /** The most specific [Mount] entry at or above {@code canonicalPath}. */
    public Optional<String> exportContaining(String canonicalPath) {
        String best = null;
        for (String entry : paths(Section.MOUNT))
            if (covers(entry, canonicalPath) && (best == null || entry.length() > best.length())) best = entry;
        return Optional.ofNullable(best);
    }

    /**
     * Whether a client of {@code exportPath} may mount or unmount on {@code canonicalPath}: a
     * [Mount] entry strictly inside the export must cover it. The entry that lets a client
     * mount the export itself does not let it mount inside it; the directories where it may
     * are named on their own.
     */
    public boolean allowsRemoteMount(String exportPath, String canonicalPath) {
        for (String entry : paths(Section.MOUNT))
            if (!entry.equals(exportPath) && covers(exportPath, entry) && covers(entry, canonicalPath)) return true;
        return false;
    }

    /**
     * Refuses a whitelist that exports nothing: qtfsd does not start without a [Mount] entry,
     * so that a missing or empty file does not silently serve nothing (or everything).
     */
    public void requireMount() throws WhitelistException {
        if (paths(Section.MOUNT).isEmpty())
            throw new WhitelistException(origin + ": no [Mount] entry: qtfsd exports nothing; add a [Mount] section"
                    + " with Path=/dir1;/dir2 naming the server directories clients may mount");
    }

    /** Where this whitelist came from (a file name, or the origin given to {@link #parse}). */
    public String origin() {
        return origin;
    }

    private static boolean covers(String entry, String path) {
        if (entry.equals("/")) return path.startsWith("/");
        return path.startsWith(entry) && (path.length() == entry.length() || path.charAt(entry.length()) == '/');
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        paths.forEach((section, entries) -> {
            b.append('[').append(section.title).append("]\n");
            if (!entries.isEmpty()) b.append(KEY).append('=').append(String.join(";", entries)).append('\n');
        });
        return b.toString();
    }
}
