package qtfs.server.whitelist;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The paths each operation may touch on the server (/etc/qtfs/whitelist). */
public final class Whitelist {
    public static Whitelist load(Path file) throws WhitelistException {
        throw new UnsupportedOperationException("not yet");
    }

    public static Whitelist parse(String text, String origin) throws WhitelistException {
        throw new UnsupportedOperationException("not yet");
    }

    public boolean allows(Section section, String canonicalPath) {
        throw new UnsupportedOperationException("not yet");
    }

    public List<String> paths(Section section) {
        throw new UnsupportedOperationException("not yet");
    }

    public Optional<String> exportContaining(String canonicalPath) {
        throw new UnsupportedOperationException("not yet");
    }
}
