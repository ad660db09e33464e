package qtfs.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * GNU-style command-line splitting: {@code --name VALUE}, {@code --name=VALUE},
 * {@code -x VALUE}, {@code -xVALUE}, bundled flags {@code -sfnv}, options and operands in
 * any order, and {@code --} to end the options.
 */
public final class ArgumentParser {
    private final List<OptionSpec> specs;

    public ArgumentParser(List<OptionSpec> specs) {
        this.specs = List.copyOf(specs);
    }

    public List<OptionSpec> specs() {
        return specs;
    }

    public ParsedArguments parse(List<String> args) throws UsageException {
        List<ParsedArguments.Occurrence> options = new ArrayList<>();
        List<String> operands = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                operands.addAll(args.subList(i + 1, args.size()));
                break;
            } else if (arg.startsWith("--")) {
                i = parseLong(args, i, options);
            } else if (arg.startsWith("-") && arg.length() > 1) {
                i = parseShortBundle(args, i, options);
            } else {
                operands.add(arg);
            }
        }
        return new ParsedArguments(options, operands);
    }

    private int parseLong(List<String> args, int i, List<ParsedArguments.Occurrence> options) throws UsageException {
        String arg = args.get(i);
        int eq = arg.indexOf('=');
        String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
        String spelled = "--" + name;
        OptionSpec spec = specs.stream().filter(s -> s.longName().equals(name)).findFirst()
                .orElseThrow(() -> new UsageException("unknown option '" + spelled + "'"));
        if (!spec.takesValue()) {
            if (eq >= 0) throw new UsageException("option '" + spelled + "' takes no value");
            options.add(new ParsedArguments.Occurrence(spec, spelled, null));
            return i;
        }
        if (eq >= 0) {
            options.add(new ParsedArguments.Occurrence(spec, spelled, arg.substring(eq + 1)));
            return i;
        }
        if (i + 1 >= args.size()) {
            throw new UsageException("option '" + spelled + "' needs a value (" + spec.valueName() + ")");
        }
        options.add(new ParsedArguments.Occurrence(spec, spelled, args.get(i + 1)));
        return i + 1;
    }

    private int parseShortBundle(List<String> args, int i, List<ParsedArguments.Occurrence> options)
            throws UsageException {
        String arg = args.get(i);
        for (int k = 1; k < arg.length(); k++) {
            char c = arg.charAt(k);
            String spelled = "-" + c;
            OptionSpec spec = specs.stream().filter(s -> s.shortName() == c).findFirst()
                    .orElseThrow(() -> new UsageException("unknown option '" + spelled + "'"
                            + (arg.length() > 2 ? " in '" + arg + "'" : "")));
            if (!spec.takesValue()) {
                options.add(new ParsedArguments.Occurrence(spec, spelled, null));
                continue;
            }
            if (k + 1 < arg.length()) {
                options.add(new ParsedArguments.Occurrence(spec, spelled, arg.substring(k + 1)));
                return i;
            }
            if (i + 1 >= args.size()) {
                throw new UsageException("option '" + spelled + "' needs a value (" + spec.valueName() + ")");
            }
            options.add(new ParsedArguments.Occurrence(spec, spelled, args.get(i + 1)));
            return i + 1;
        }
        return i;
    }
}
