package dev.rlhf.lm.commandline;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A command whose options are a table of name → default text (the benchmarks): each key {@code n_layer} or
 * {@code nLayer} is the option {@code --n-layer}, typed as its default reads (an integer, a number or text), described
 * with its default in the help. An option without a default is absent from {@link #values} unless given.
 */
public final class FlagTable implements Commands.Renamed {
    private final CommandSpec spec;
    private final Map<String, OptionSpec> options = new LinkedHashMap<>();
    private final Map<String, String> renamed = new LinkedHashMap<>();
    private final Map<String, PositionalParamSpec> positionals = new LinkedHashMap<>();
    private final Map<String, FlagTable> subcommands = new LinkedHashMap<>();

    public FlagTable(String name, String description) {
        spec = CommandSpec.wrapWithoutInspection(this).name(name);
        spec.usageMessage().description(description).showDefaultValues(true).sortOptions(false);
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help (every option, its default and meaning) and exit.").build());
    }

    /** An option {@code --kebab(key)} of default {@code value} (null: none, the option is text). */
    public FlagTable add(String key, String value, String description) {
        Class<?> type = String.class;
        if (value != null && value.matches("-?\\d+")) type = Integer.class;
        else if (value != null && value.matches("-?[\\d.]+([eE]-?\\d+)?")) type = Double.class;
        OptionSpec o = OptionSpec.builder("--" + Commands.kebab(key)).type(type).arity("1").defaultValue(value)
                .paramLabel(type == String.class ? "TEXT" : type == Integer.class ? "N" : "X")
                .description(description).build();
        spec.addOption(o);
        options.put(key, o);
        return this;
    }

    /** The next positional parameter, required, as text. */
    public FlagTable positional(String key, String label, String description) {
        PositionalParamSpec p = PositionalParamSpec.builder().index(String.valueOf(positionals.size())).arity("1")
                .required(true).type(String.class).paramLabel(label).description(description).build();
        spec.addPositional(p);
        positionals.put(key, p);
        return this;
    }

    /** A flag {@code --kebab(key)} without a value (false unless given). */
    public FlagTable flag(String key, String description) {
        OptionSpec o = OptionSpec.builder("--" + Commands.kebab(key)).type(boolean.class).arity("0")
                .description(description).build();
        spec.addOption(o);
        options.put(key, o);
        return this;
    }

    /** Adds {@code sub} as the subcommand named by its spec. */
    public FlagTable subcommand(FlagTable sub) {
        spec.addSubcommand(sub.spec.name(), sub.spec);
        subcommands.put(sub.spec.name(), sub);
        return this;
    }

    /** The subcommand {@code name}. */
    public FlagTable subcommand(String name) {
        return subcommands.get(name);
    }

    /** {@code old} (an option this command once took, e.g. {@code --lr}) is refused with a hint naming {@code now}. */
    public FlagTable renamed(String old, String now) {
        renamed.put(old, now);
        return this;
    }

    @Override
    public Map<String, String> renamed() {
        return renamed;
    }

    public CommandSpec spec() {
        return spec;
    }

    /** Key → value text (the given one or the default) of a parse of {@link #spec()}. */
    public Map<String, String> values(ParseResult parsed) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, OptionSpec> e : options.entrySet()) {
            Object v = e.getValue().getValue();
            if (v != null) out.put(e.getKey(), String.valueOf(v));
        }
        for (Map.Entry<String, PositionalParamSpec> e : positionals.entrySet()) {
            Object v = e.getValue().getValue();
            if (v != null) out.put(e.getKey(), String.valueOf(v));
        }
        return out;
    }

    /** For a main method: the values of {@code args}, or the process exits after help (0) or a refused line (2). */
    public Map<String, String> parseOrExit(String... args) throws Exception {
        return values(Commands.parseOrExit(spec, args));
    }

    /** Parses {@code args}; a refused line is a {@link Commands.UsageException}. */
    public Map<String, String> parse(String... args) {
        return values(Commands.parse(spec, args));
    }
}
