package qtfs.cli;

import java.util.List;
import java.util.Optional;

/**
 * A command line split into options (in the order given) and operands.
 *
 * @param options  every option occurrence, in order
 * @param operands the arguments that are not options, in order
 */
public record ParsedArguments(List<Occurrence> options, List<String> operands) {

    /**
     * One option as it appeared.
     *
     * @param spec    which option
     * @param spelled how the user wrote its name ({@code "-o"}, {@code "--options"}), for error messages
     * @param value   its value, or null for a flag
     */
    public record Occurrence(OptionSpec spec, String spelled, String value) {
    }

    public ParsedArguments {
        options = List.copyOf(options);
        operands = List.copyOf(operands);
    }

    /**
     * The operands, which must be exactly {@code count}; otherwise a usage error that starts
     * with {@code needs} (e.g. "umount needs exactly one MOUNTPOINT") and says what was given.
     */
    public List<String> operands(int count, String needs) throws UsageException {
        if (operands.size() != count) {
            throw new UsageException(needs + ", got " + (operands.isEmpty() ? "nothing" : "'" + String.join(" ", operands) + "'"));
        }
        return operands;
    }

    public boolean has(OptionSpec spec) {
        return options.stream().anyMatch(o -> o.spec() == spec);
    }

    /** The values of every occurrence of {@code spec}, in order. */
    public List<String> values(OptionSpec spec) {
        return options.stream().filter(o -> o.spec() == spec).map(Occurrence::value).toList();
    }

    /** The last occurrence of {@code spec}: a later option overrides an earlier one. */
    public Optional<Occurrence> last(OptionSpec spec) {
        Occurrence found = null;
        for (Occurrence o : options) {
            if (o.spec() == spec) found = o;
        }
        return Optional.ofNullable(found);
    }
}
