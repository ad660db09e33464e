package qtfs.cli;

import java.util.List;

/** Lays out option lists for {@code --help}: names in one column, descriptions beside them. */
public final class HelpFormatter {
    private static final int INDENT = 2;
    private static final int GAP = 2;

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
        String pad = " ".repeat(INDENT + width + GAP);
        String[] lines = description.split("\n");
        out.append(" ".repeat(INDENT)).append(term).append(" ".repeat(width - term.length() + GAP))
                .append(lines[0]).append('\n');
        for (int i = 1; i < lines.length; i++) {
            out.append(pad).append(lines[i]).append('\n');
        }
    }
}
