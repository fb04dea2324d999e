package dev.rlhf.web.api;

import tools.jackson.databind.JsonNode;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;

/**
 * The one check of text that comes in through the API and the forms (request parameters and JSON bodies alike, see
 * {@link TextInputCheck}): PostgreSQL text cannot hold the NUL character, so a value with one is refused with 400
 * naming the field instead of failing in the database with 500. Import files check their lines with the same rule.
 */
public final class TextInput {
    private static final ClassValue<RecordComponent[]> COMPONENTS = new ClassValue<>() {
        @Override
        protected RecordComponent[] computeValue(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            for (RecordComponent component : components) {
                component.getAccessor().setAccessible(true);
            }
            return components;
        }
    };

    private TextInput() {
    }

    /** Why {@code value} cannot be taken as text, or null when it can. */
    public static String problem(String value) {
        return value != null && value.indexOf('\u0000') >= 0
                ? "contains a NUL character (\\u0000), which cannot be stored" : null;
    }

    /**
     * Refuses the first string in {@code value} (strings, maps, collections, records and JSON trees, walked) that has a
     * problem.
     */
    static void check(String field, Object value) {
        if (value instanceof JsonNode node) {
            if (node.isString()) {
                check(field, node.stringValue());
            } else if (node.isObject()) {
                for (Map.Entry<String, JsonNode> property : node.properties()) {
                    check(path(field, "(a key)"), property.getKey());
                    check(path(field, property.getKey()), property.getValue());
                }
            } else if (node.isArray()) {
                int index = 0;
                for (JsonNode element : node.values()) {
                    check(field + "[" + index++ + "]", element);
                }
            }
        } else if (value instanceof String text) {
            String problem = problem(text);
            if (problem != null) {
                throw new Refused(field, field + " " + problem);
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                check(path(field, "(a key)"), key);
                check(path(field, key), entry.getValue());
            }
        } else if (value instanceof Collection<?> list) {
            int index = 0;
            for (Object element : list) {
                check(field + "[" + index++ + "]", element);
            }
        } else if (value instanceof Record record) {
            for (RecordComponent component : COMPONENTS.get(record.getClass())) {
                check(path(field, component.getName()), read(component.getAccessor(), record));
            }
        }
    }

    private static String path(String parent, String name) {
        return parent.isEmpty() ? name : parent + "." + name;
    }

    private static Object read(Method accessor, Record record) {
        try {
            return accessor.invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + accessor, e);
        }
    }

    /** A text value that was refused: the field (parameter name or JSON path) and why. */
    public static final class Refused extends RuntimeException {
        private final String field;

        Refused(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
