package dev.rlhf.lm.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} command-line options. An unknown option, a missing value or a value of the wrong type is
 * refused with a message that names the option.
 */
public final class CliArgs {
    private final Map<String, String> values = new LinkedHashMap<>();

    private CliArgs() {
    }

    /** Parses {@code args} against the options a command accepts (names without the leading dashes). */
    public static CliArgs parse(String[] args, Set<String> accepted) {
        return parse(args, accepted, Set.of());
    }

    /** As {@link #parse(String[], Set)}, where the options in {@code flags} take no value ({@code --json}). */
    public static CliArgs parse(String[] args, Set<String> accepted, Set<String> flags) {
        CliArgs a = new CliArgs();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) throw new IllegalArgumentException("unexpected argument \"" + arg + "\"");
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (flags.contains(name)) {
                a.values.put(name, "true");
                continue;
            }
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else {
                if (i + 1 >= args.length) throw new IllegalArgumentException("option --" + name + " needs a value");
                value = args[++i];
            }
            if (!accepted.contains(name)) {
                java.util.TreeSet<String> all = new java.util.TreeSet<>(accepted);
                all.addAll(flags);
                throw new IllegalArgumentException("unknown option --" + name + "; accepted: --" + String.join(", --", all));
            }
            a.values.put(name, value);
        }
        return a;
    }

    /** Loads the PyTorch engine from the jars on the class path, never from the network. */
    public static void offlineEngine() {
        dev.rlhf.lm.OfflineEngine.use();
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public String required(String name) {
        String v = values.get(name);
        if (v == null) throw new IllegalArgumentException("option --" + name + " is required");
        return v;
    }

    public Path path(String name) {
        return Path.of(required(name));
    }

    public int integer(String name, int fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + name + " must be an integer, was \"" + v + "\"");
        }
    }

    public long longValue(String name, long fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + name + " must be an integer, was \"" + v + "\"");
        }
    }

    public double decimal(String name, double fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + name + " must be a number, was \"" + v + "\"");
        }
    }
}
