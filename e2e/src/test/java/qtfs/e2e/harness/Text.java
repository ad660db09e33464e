package qtfs.e2e.harness;

import java.util.List;

/** Formatting of captured output for failure messages. */
public final class Text {
    private Text() {
    }

    /** The last maxLines lines of text, with a note of how many were left out. */
    public static String tail(String text, int maxLines) {
        List<String> lines = text.lines().toList();
        if (lines.size() <= maxLines) {
            return text.isEmpty() || text.endsWith("\n") ? text : text + "\n";
        }
        return "[" + (lines.size() - maxLines) + " earlier lines left out]\n"
                + String.join("\n", lines.subList(lines.size() - maxLines, lines.size())) + "\n";
    }

    public static String indent(String text) {
        if (text.isEmpty()) {
            return "    (nothing)\n";
        }
        return text.lines().map(line -> "    " + line).reduce("", (a, b) -> a + b + "\n");
    }
}
