package dev.rlhf.reward.cli;

import java.util.Map;
import java.util.function.Function;

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
        return parsed(name, fallback, Integer::parseInt, "an integer");
    }

    double number(String name, double fallback) {
        return parsed(name, fallback, Double::parseDouble, "a number");
    }

    /** The option's value read by {@code parse}, or {@code fallback} when absent; a value it refuses names {@code kind}. */
    private <T> T parsed(String name, T fallback, Function<String, T> parse, String kind) {
        String v = get(name, null);
        try {
            return v == null ? fallback : parse.apply(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + name + " must be " + kind + ", was \"" + v + "\"");
        }
    }
}
