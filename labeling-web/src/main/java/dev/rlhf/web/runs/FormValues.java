package dev.rlhf.web.runs;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads one value of a run form or API body (text, as both arrive) as the type its field has, naming the field in
 * {@code errors} when the text is not of that type. An empty or absent value is the fallback. Every run form reads its
 * values through here, so "must be a whole number" means the same everywhere.
 */
public final class FormValues {
    private FormValues() {}

    /** The value, stripped; empty when absent. */
    public static String text(Map<String, String> values, String field) {
        String v = values.get(field);
        return v == null ? "" : v.strip();
    }

    public static Integer integer(Map<String, String> values, String field, Integer fallback, Map<String, String> errors) {
        return whole(values, field, fallback, errors, Integer::valueOf);
    }

    public static Long whole(Map<String, String> values, String field, Long fallback, Map<String, String> errors) {
        return whole(values, field, fallback, errors, Long::valueOf);
    }

    private static <T> T whole(Map<String, String> values, String field, T fallback, Map<String, String> errors,
                               Function<String, T> parse) {
        String v = text(values, field);
        if (v.isEmpty()) return fallback;
        try {
            return parse.apply(v);
        } catch (NumberFormatException e) {
            errors.put(field, "must be a whole number");
            return null;
        }
    }

    public static Double number(Map<String, String> values, String field, Double fallback, Map<String, String> errors) {
        String v = text(values, field);
        if (v.isEmpty()) return fallback;
        try {
            double x = Double.parseDouble(v);
            if (Double.isFinite(x)) return x;
            errors.put(field, "must be a finite number");
        } catch (NumberFormatException e) {
            errors.put(field, "must be a number");
        }
        return null;
    }

    /** {@code true}/{@code false} in any case, or {@code on} (a checked checkbox). */
    public static Boolean bool(Map<String, String> values, String field, Boolean fallback, Map<String, String> errors) {
        String v = text(values, field).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "" -> fallback;
            case "true", "on" -> true;
            case "false" -> false;
            default -> {
                errors.put(field, "must be true or false");
                yield null;
            }
        };
    }

    /** The constant of {@code type} named by the field, in any case; empty gives {@code fallback}; another name is an error. */
    public static <E extends Enum<E>> E choice(Map<String, String> values, String field, Class<E> type, E fallback,
                                               Map<String, String> errors) {
        String v = text(values, field);
        if (v.isEmpty()) return fallback;
        for (E c : type.getEnumConstants()) if (c.name().equalsIgnoreCase(v)) return c;
        errors.put(field, "must be one of " + Arrays.toString(type.getEnumConstants()));
        return null;
    }

    /** The distinct items of a list separated by commas or white space (a JSON array's brackets are ignored). */
    public static List<String> list(String raw) {
        return Arrays.stream(raw.replace("[", " ").replace("]", " ").split("[,\\s]+"))
                .filter(s -> !s.isBlank()).distinct().toList();
    }
}
