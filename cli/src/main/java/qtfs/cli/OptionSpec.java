package qtfs.cli;

import java.util.Objects;

/**
 * One command-line option: its spellings, whether it takes a value, and the help line.
 *
 * @param longName    e.g. {@code "listen"} for {@code --listen}; never empty
 * @param shortName   e.g. {@code 'l'} for {@code -l}, or 0 when there is no short form
 * @param valueName   placeholder of the value in help texts (e.g. {@code "ADDR"}), or null for a flag
 * @param description what it does, with its default; may hold line breaks
 */
public record OptionSpec(String longName, char shortName, String valueName, String description) {

    public OptionSpec {
        Objects.requireNonNull(longName, "longName");
        Objects.requireNonNull(description, "description");
        if (longName.isEmpty() || longName.startsWith("-")) {
            throw new IllegalArgumentException("long option name must be given without dashes: " + longName);
        }
    }

    public static OptionSpec flag(String longName, char shortName, String description) {
        return new OptionSpec(longName, shortName, null, description);
    }

    public static OptionSpec valued(String longName, char shortName, String valueName, String description) {
        return new OptionSpec(longName, shortName, Objects.requireNonNull(valueName, "valueName"), description);
    }

    public boolean takesValue() {
        return valueName != null;
    }

    /** How help texts show the option, e.g. {@code "-l, --listen ADDR"}. */
    public String synopsis() {
        String names = (shortName != 0 ? "-" + shortName + ", " : "    ") + "--" + longName;
        return takesValue() ? names + " " + valueName : names;
    }
}
