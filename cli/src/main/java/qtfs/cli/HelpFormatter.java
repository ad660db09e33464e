package qtfs.cli;

import java.util.ArrayList;
import java.util.List;

/** Lays out option lists for {@code --help}: names in one column, descriptions beside them. */
public final class HelpFormatter {
    private static final int INDENT = 2;
    private static final int GAP = 2;
    /** Help fits an 80-column terminal. */
    static final int WIDTH = 79;

    private HelpFormatter() {
    }

    /** One entry per option, multi-line descriptions aligned under the first line. */
    public static String options(List<OptionSpec> specs) {
        int width = specs.stream().mapToInt(s -> s.synopsis().length()).max().orElse(0);
        StringBuilder out = new StringBuilder();
        for (OptionSpec spec : specs) {
            appendEntry(out, spec.synopsis(), spec.description(), width);
        }
        return out.toString();
    }

    /** A two-column table of arbitrary terms (e.g. mount options {@code server=ADDR}). */
    public static String table(List<String[]> rows) {
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            appendEntry(out, row[0], row[1], width);
        }
        return out.toString();
    }

    private static void appendEntry(StringBuilder out, String term, String description, int width) {
        int column = INDENT + width + GAP;
        List<String> lines = wrap(description, Math.max(20, WIDTH - column));
        out.append(" ".repeat(INDENT)).append(term).append(" ".repeat(width - term.length() + GAP))
                .append(lines.getFirst()).append('\n');
        for (String line : lines.subList(1, lines.size())) {
            out.append(" ".repeat(column)).append(line).append('\n');
        }
    }

    /** Words filled into lines of at most {@code width} characters; a line break in the text is kept. */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        for (String paragraph : text.split("\n")) {
            StringBuilder line = new StringBuilder();
            for (String word : paragraph.split(" ")) {
                if (word.isEmpty()) continue;
                if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                if (!line.isEmpty()) line.append(' ');
                line.append(word);
            }
            lines.add(line.toString());
        }
        return lines;
    }
}
