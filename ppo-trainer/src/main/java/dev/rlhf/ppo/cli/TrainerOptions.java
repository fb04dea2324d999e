package dev.rlhf.ppo.cli;

import dev.rlhf.lm.commandline.Commands;
import dev.rlhf.lm.commandline.ConfigFile;
import dev.rlhf.lm.formats.TldrPost;
import dev.rlhf.lm.formats.TldrReader;
import dev.rlhf.ppo.ConfigFields;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The command line of the policy trainers ({@code ppo}, {@code rloo}, {@code dpo}): the inputs ({@code --policy DIR}
 * ...), {@code --fresh} (ignore the checkpoints in {@code --out}), {@code --config FILE} and one kebab-case option
 * per field of the trainer's config record (and, with {@code --prompts}, the prompt set's {@code --max-posts} and
 * {@code --prompt-subreddit}, as the web form's) ({@code --kl-coef} for {@code klCoef}), its default and meaning in
 * {@code --help}. The file holds the fields in camelCase, as the web form and the API name them; the command line
 * overrides it.
 */
final class TrainerOptions {
    private final CommandSpec spec;
    private final Record defaults;
    private final String what;
    private final Map<String, String> inputs;

    /**
     * @param what   the config's name in messages ("PPO")
     * @param inputs option name (kebab-case, without dashes), its meaning, ...; each required
     */
    TrainerOptions(String name, String description, Record defaults, String what, String... inputs) {
        this.defaults = defaults;
        this.what = what;
        this.inputs = new LinkedHashMap<>();
        for (int i = 0; i < inputs.length; i += 2) this.inputs.put(inputs[i], inputs[i + 1]);
        spec = CommandSpec.create().name(name);
        spec.usageMessage().description(description).showDefaultValues(true).sortOptions(false);
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help (every option, its default and meaning) and exit.").build());
        for (Map.Entry<String, String> e : this.inputs.entrySet()) {
            spec.addOption(OptionSpec.builder("--" + e.getKey()).type(Path.class).paramLabel("PATH")
                    .description(e.getValue() + " (required)").build());
        }
        if (this.inputs.containsKey("prompts")) {
            spec.addOption(OptionSpec.builder("--max-posts").type(int.class).defaultValue("0").paramLabel("N")
                    .description("Read at most this many posts of --prompts (after --prompt-subreddit); 0: all.").build());
            spec.addOption(OptionSpec.builder("--prompt-subreddit").type(String.class).defaultValue("").paramLabel("NAME")
                    .description("Only the posts of this subreddit; empty: any.").build());
        }
        spec.addOption(OptionSpec.builder("--fresh").type(boolean.class).arity("0")
                .description("Ignore the checkpoints in --out and start over.").build());
        spec.addOption(OptionSpec.builder("--config").type(Path.class).paramLabel("FILE")
                .description("YAML or JSON file of the fields below in camelCase (klCoef: 0.05); the command line overrides it.")
                .build());
        Properties meaning = meanings(defaults.getClass().getSimpleName());
        for (Map.Entry<String, Object> f : ConfigFields.asMap(defaults).entrySet()) {
            spec.addOption(OptionSpec.builder("--" + Commands.kebab(f.getKey())).type(String.class)
                    .paramLabel(f.getValue() instanceof String ? "TEXT" : "VALUE")
                    .defaultValue(String.valueOf(f.getValue()))
                    .description(meaning.getProperty(f.getKey(), "the " + what + " config field " + f.getKey()) + ".")
                    .build());
        }
    }

    /**
     * The command line of a trainer that samples an SFT policy on TL;DR prompts and scores it with a reward model
     * ({@code ppo}, {@code rloo}): the inputs {@code --policy}, {@code --reward-model}, {@code --prompts}, {@code --out}.
     */
    static TrainerOptions againstRewardModel(String name, String description, Record defaults, String what) {
        return new TrainerOptions(name, description, defaults, what,
                "policy", "SFT policy directory", "reward-model", "reward model directory",
                "prompts", "TL;DR posts (jsonl) whose prompts are sampled", "out", "run directory: checkpoints and metrics.jsonl");
    }

    CommandSpec spec() {
        return spec;
    }

    /** The parsed command line: inputs by name, whether fresh, and the config record. */
    record Parsed(Map<String, Path> inputs, boolean fresh, Record config, int maxPosts, String promptSubreddit) {
        Path input(String name) {
            return inputs.get(name);
        }

        /** The posts of {@code --prompts} that the prompt-set options keep; none kept is refused. */
        List<TldrPost> prompts() throws IOException {
            return TldrReader.select(inputs.get("prompts"), promptSubreddit, maxPosts);
        }
    }

    /** Parses {@code args} (the config file, then the command line); a refused line is an IllegalArgumentException. */
    Parsed parse(String... args) {
        return parsed(Commands.parse(spec, args));
    }

    /** The inputs and the config of a parse of {@link #spec()}; a missing input or a bad field is refused by name. */
    Parsed parsed(ParseResult result) {
        Map<String, Path> in = new LinkedHashMap<>();
        for (String name : inputs.keySet()) {
            Path p = result.matchedOptionValue("--" + name, null);
            if (p == null) throw new IllegalArgumentException("--" + name + " is required");
            in.put(name, p);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String field : ConfigFields.asMap(defaults).keySet()) {
            String option = "--" + Commands.kebab(field);
            if (result.hasMatchedOption(option)) values.put(field, result.matchedOptionValue(option, ""));
        }
        Record config;
        try {
            config = ConfigFields.with(defaults, values, what);
        } catch (IllegalArgumentException e) {
            Object file = result.matchedOptionValue("--config", null);
            if (file == null) throw e;
            throw new IllegalArgumentException(e.getMessage() + " (the command line or " + file + ")", e);
        }
        boolean promptSet = inputs.containsKey("prompts");
        int maxPosts = promptSet ? spec.findOption("--max-posts").getValue() : 0;
        String subreddit = promptSet ? spec.findOption("--prompt-subreddit").getValue() : "";
        if (maxPosts < 0) throw new IllegalArgumentException("--max-posts must be ≥ 0, was " + maxPosts);
        return new Parsed(in, result.hasMatchedOption("--fresh"), config, maxPosts, subreddit == null ? "" : subreddit);
    }

    /** Runs the command on the standard streams and exits with its status (0, or 2 for a refused line). */
    void main(String[] args, Action action) throws Exception {
        Commands.main(spec, args, result -> action.run(parsed(result), System.out));
    }

    /** Runs the command with {@code out} and {@code err}; returns its status. */
    int run(String[] args, PrintStream out, PrintStream err, Action action) throws Exception {
        return Commands.run(spec, args, out, err, result -> action.run(parsed(result), out));
    }

    @FunctionalInterface
    interface Action {
        void run(Parsed parsed, PrintStream out) throws Exception;
    }

    /** {@code kl-coef} → {@code klCoef}, the field a file names. */
    static String camel(String option) {
        return ConfigFile.fieldName(option);
    }

    private static Properties meanings(String record) {
        Properties p = new Properties();
        try (InputStream in = TrainerOptions.class.getResourceAsStream(record + ".properties")) {
            if (in != null) p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return p;
    }
}
