package dev.rlhf.lm.commandline;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The {@code --config FILE} of a training command: a YAML or JSON object (JSON when the name ends in {@code .json})
 * whose fields are the command's options in camelCase, the names the web form and the API use for that run kind
 * ({@code learningRate} for {@code --learning-rate}). The fields become options placed before those of the command
 * line, so the command line overrides them. An unknown field, or a value that is not one value (a list for a list
 * option), is refused naming the file and the field.
 */
public final class ConfigFile {

    private ConfigFile() {
    }

    /** The options that {@code file} stands for, for {@code spec}. */
    public static List<String> args(Path file, CommandSpec spec) {
        JsonNode root = read(file);
        List<String> args = new ArrayList<>();
        if (root == null || root.isNull() || root.isMissingNode()) return args;
        if (!root.isObject()) throw new Commands.UsageException(file + ": must hold an object of fields, e.g. learningRate: 1e-4");
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String field = e.getKey();
            JsonNode value = e.getValue();
            OptionSpec option = spec.findOption("--" + Commands.kebab(field));
            if (option == null || option.usageHelp() || option.longestName().equals("--config")) {
                throw new Commands.UsageException(file + ": unknown field \"" + field + "\"; fields are " + fields(spec));
            }
            if (value.isNull()) continue;
            if (option.arity().max() == 0) {
                if (!value.isBoolean()) {
                    throw new Commands.UsageException(file + ": field \"" + field + "\" must be true or false, was " + value);
                }
                if (value.booleanValue()) args.add(option.longestName());
                continue;
            }
            String text;
            if (value.isArray()) {
                List<String> items = new ArrayList<>();
                for (JsonNode item : value) {
                    if (!item.isValueNode()) throw new Commands.UsageException(file + ": field \"" + field + "\" must be a list of values");
                    items.add(item.asString());
                }
                text = String.join(",", items);
            } else if (value.isValueNode()) {
                text = value.asString();
            } else {
                throw new Commands.UsageException(file + ": field \"" + field + "\" must be one value, was " + value);
            }
            args.add(option.longestName());
            args.add(text);
        }
        return args;
    }

    /** The field name of the option {@code --max-posts}: {@code maxPosts}. */
    public static String fieldName(String option) {
        return Commands.camel(option.replaceFirst("^-+", ""));
    }

    static String fields(CommandSpec spec) {
        TreeSet<String> names = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            if (!o.usageHelp() && !o.hidden() && !o.longestName().equals("--config")) names.add(fieldName(o.longestName()));
        }
        return String.join(", ", names);
    }

    private static JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) throw new Commands.UsageException("config file " + file + " does not exist");
        ObjectMapper mapper = file.getFileName().toString().endsWith(".json") ? JsonMapper.builder().build()
                : YAMLMapper.builder().build();
        try {
            return mapper.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new Commands.UsageException(file + ": " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""));
        }
    }
}
