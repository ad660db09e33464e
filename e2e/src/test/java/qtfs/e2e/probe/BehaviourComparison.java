package qtfs.e2e.probe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The comparison of one probe's lines on a local directory (the reference) and on a mount. The
 * scenarios take the same steps whatever the results, so lines are compared by position; the
 * report lists every line, marking each difference with both versions.
 */
public record BehaviourComparison(String what, String referenceName, ProbeResult reference, String mountName,
        ProbeResult onMount) {

    /** A comparison of lines produced by other means than a probe (program outputs, tree listings). */
    public static BehaviourComparison ofLines(String what, Path referenceDir, List<String> referenceLines,
            String mountName, Path mountDir, List<String> mountLines) {
        return new BehaviourComparison(what, "local", new ProbeResult(referenceDir, referenceLines, "", 0), mountName,
                new ProbeResult(mountDir, mountLines, "", 0));
    }

    public List<Integer> differingLines() {
        List<Integer> differing = new ArrayList<>();
        int count = Math.max(reference.lines().size(), onMount.lines().size());
        for (int i = 0; i < count; i++) {
            if (!line(reference, i).equals(line(onMount, i))) {
                differing.add(i);
            }
        }
        return differing;
    }

    /** The differing lines as "reference | mount" pairs. */
    public List<String> differences() {
        return differingLines().stream().map(i -> line(reference, i) + "  |  " + line(onMount, i)).toList();
    }

    public boolean same() {
        return reference.exitCode() == 0 && onMount.exitCode() == 0 && differingLines().isEmpty();
    }

    /** Fails with the full report unless both runs completed and printed the same lines. */
    public void assertSame() {
        if (reference.exitCode() != 0) {
            throw new AssertionError(what + " failed in the local reference directory "
                    + reference.directory() + " (exit " + reference.exitCode() + "), so it cannot be compared:\n"
                    + reference.stderr() + "\n" + String.join("\n", reference.lines()));
        }
        if (!same()) {
            throw new AssertionError(report());
        }
    }

    public String report() {
        List<Integer> differing = differingLines();
        StringBuilder text = new StringBuilder();
        text.append(what).append(": ").append(differing.size()).append(" of ")
                .append(Math.max(reference.lines().size(), onMount.lines().size()))
                .append(" lines differ between the local directory and ").append(mountName).append('\n')
                .append("  ").append(referenceName).append(": ").append(reference.directory()).append('\n')
                .append("  ").append(mountName).append(": ").append(onMount.directory()).append('\n');
        if (onMount.exitCode() != 0) {
            text.append("  the probe FAILED on ").append(mountName).append(" (exit ").append(onMount.exitCode())
                    .append("); its stderr:\n").append(onMount.stderr().indent(4));
        }
        int width = String.valueOf(Math.max(reference.lines().size(), onMount.lines().size())).length();
        int count = Math.max(reference.lines().size(), onMount.lines().size());
        for (int i = 0; i < count; i++) {
            String number = String.format("%" + width + "d", i + 1);
            if (differing.contains(i)) {
                text.append("! ").append(number).append(' ').append(pad(referenceName)).append(line(reference, i)).append('\n')
                        .append("  ").append(" ".repeat(width)).append(' ').append(pad(mountName))
                        .append(line(onMount, i)).append('\n');
            } else {
                text.append("  ").append(number).append(' ').append(pad("")).append(line(reference, i)).append('\n');
            }
        }
        return text.toString();
    }

    private String pad(String label) {
        int width = Math.max(referenceName.length(), mountName.length()) + 2;
        String shown = label.isEmpty() ? "" : label + ": ";
        return shown + " ".repeat(Math.max(0, width - shown.length()));
    }

    private static String line(ProbeResult result, int index) {
        return index < result.lines().size() ? result.lines().get(index) : "(no line)";
    }
}
