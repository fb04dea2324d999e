package dev.rlhf.lm.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A command whose options are a table of name → default text (the benchmarks): each key {@code n_layer} or
 * {@code nLayer} is the option {@code --n-layer}, typed as its default reads (an integer, a number or text), described
 * with its default in the help.
 */
public final class FlagTable {
    private final CommandSpec spec;
    private final Map<String, OptionSpec> options = new LinkedHashMap<>();

    public FlagTable(String name, String description) {
        spec = CommandSpec.create().name(name);
        spec.usageMessage().description(description).showDefaultValues(true).sortOptions(false);
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help (every option, its default and meaning) and exit.").build());
    }

    /** An option {@code --kebab(key)} of default {@code value}. */
    public FlagTable add(String key, String value, String description) {
        Class<?> type = String.class;
        if (value.matches("-?\\d+")) type = Integer.class;
        else if (value.matches("-?[\\d.]+([eE]-?\\d+)?")) type = Double.class;
        OptionSpec o = OptionSpec.builder("--" + Commands.kebab(key)).type(type).arity("1").defaultValue(value)
                .paramLabel(type == String.class ? "TEXT" : type == Integer.class ? "N" : "X")
                .description(description).build();
        spec.addOption(o);
        options.put(key, o);
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

    public CommandSpec spec() {
        return spec;
    }

    /** Key → value text (the given one or the default) of a parse of {@link #spec()}. */
    public Map<String, String> values(ParseResult parsed) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, OptionSpec> e : options.entrySet()) {
            Object v = e.getValue().getValue();
            out.put(e.getKey(), v == null ? "" : String.valueOf(v));
        }
        return out;
    }

    /** Parses {@code args}; a refused line is a {@link Commands.UsageException}. */
    public Map<String, String> parse(String... args) {
        return values(Commands.parse(spec, args));
    }
}
