package dev.rlhf.reward.cli;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** {@code --name value} and {@code --flag} options after a command word; unknown or unused options are errors. */
final class Args {

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> used = new LinkedHashSet<>();

    Args(String[] argv, int from, Set<String> flags) {
        for (int i = from; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument \"" + a + "\"");
            String name = a.substring(2);
            int eq = name.indexOf('=');
            if (eq >= 0) {
                values.put(name.substring(0, eq), name.substring(eq + 1));
            } else if (flags.contains(name)) {
                values.put(name, "true");
            } else {
                if (i + 1 >= argv.length) throw new IllegalArgumentException("option --" + name + " needs a value");
                values.put(name, argv[++i]);
            }
        }
    }

    String get(String name, String fallback) {
        used.add(name);
        return values.getOrDefault(name, fallback);
    }

    String required(String name) {
        String v = get(name, null);
        if (v == null) throw new IllegalArgumentException("option --" + name + " is required");
        return v;
    }

    boolean flag(String name) {
        return Boolean.parseBoolean(get(name, "false"));
    }

    int integer(String name, int fallback) {
        String v = get(name, null);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + name + " must be an integer, was \"" + v + "\"");
        }
    }

    double number(String name, double fallback) {
        String v = get(name, null);
        try {
            return v == null ? fallback : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + name + " must be a number, was \"" + v + "\"");
        }
    }

    /** Refuses options that no code asked for (typos). */
    void checkAllUsed() {
        for (String name : values.keySet()) {
            if (!used.contains(name)) throw new IllegalArgumentException("unknown option --" + name);
        }
    }
}
