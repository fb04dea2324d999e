package dev.rlhf.reward.cli;

import java.util.Map;

/**
 * The options of one parsed reward-model command: name (kebab-case, without dashes) → text, the given value or the
 * declared default; an option without a default is absent unless given.
 */
record Args(String command, Map<String, String> values) {

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String required(String name) {
        String v = values.get(name);
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
}
