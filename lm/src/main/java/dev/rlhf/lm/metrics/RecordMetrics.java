package dev.rlhf.lm.metrics;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A metrics record as the map every sink and the web store: each numeric component under {@code prefix} + its name in
 * snake case ({@code approxKl} → {@code ppo/approx_kl}), in the record's order.
 */
public final class RecordMetrics {
    private RecordMetrics() {}

    /** The components of {@code metrics} but those named in {@code leftOut} (an iteration or step number, say). */
    public static Map<String, Double> asMap(Record metrics, String prefix, String... leftOut) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (RecordComponent c : metrics.getClass().getRecordComponents()) {
            if (List.of(leftOut).contains(c.getName())) continue;
            m.put(prefix + snakeCase(c.getName()), ((Number) value(metrics, c)).doubleValue());
        }
        return m;
    }

    static String snakeCase(String camelCase) {
        StringBuilder s = new StringBuilder();
        for (char ch : camelCase.toCharArray()) {
            if (Character.isUpperCase(ch)) s.append('_').append(Character.toLowerCase(ch));
            else s.append(ch);
        }
        return s.toString();
    }

    private static Object value(Record metrics, RecordComponent c) {
        try {
            return c.getAccessor().invoke(metrics);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + metrics.getClass().getName(), e);
        }
    }
}
