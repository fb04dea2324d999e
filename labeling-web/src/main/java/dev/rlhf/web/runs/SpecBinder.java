package dev.rlhf.web.runs;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads form text (or a stored config) into a {@link RunSpec} record: each component from the value of the same name
 * through {@link FormValues} (an empty one takes the component's value in {@code defaults}), then the record's Bean
 * Validation constraints and {@link RunSpec#crossFieldErrors()}. Errors are keyed by field, in component order.
 */
@Component
public record SpecBinder(Validator validator) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The spec, or the refused fields (the spec is then null). */
    public record Bound<R>(R spec, Map<String, String> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    public <R extends Record & RunSpec> Bound<R> bind(Class<R> type, R defaults, Map<String, String> values) {
        Map<String, String> errors = new LinkedHashMap<>();
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            Object fallback = value(components[i], defaults);
            Object v = read(components[i], values, fallback, errors);
            args[i] = v == null && components[i].getType().isPrimitive() ? fallback : v;
        }
        R spec = construct(type, components, args);
        Map<String, String> violations = new LinkedHashMap<>();
        for (ConstraintViolation<R> v : validator.validate(spec)) {
            String path = v.getPropertyPath().iterator().next().getName();
            violations.merge(path, v.getMessage(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
        }
        for (RecordComponent c : components) {
            if (violations.containsKey(c.getName())) errors.putIfAbsent(c.getName(), violations.get(c.getName()));
        }
        spec.crossFieldErrors().forEach(errors::putIfAbsent);
        return new Bound<>(errors.isEmpty() ? spec : null, errors);
    }

    /** A stored config (JSON, as {@link #toJson} wrote it, or older with fields missing) read as form text. */
    public <R extends Record & RunSpec> Bound<R> bind(Class<R> type, R defaults, JsonNode config) {
        Map<String, String> values = new LinkedHashMap<>();
        config.properties().forEach(e -> {
            JsonNode n = e.getValue();
            if (n.isArray()) {
                List<String> items = new ArrayList<>();
                n.forEach(x -> items.add(x.asString()));
                values.put(e.getKey(), String.join(",", items));
            } else if (!n.isNull() && !n.isObject()) {
                values.put(e.getKey(), n.asString());
            }
        });
        return bind(type, defaults, values);
    }

    /**
     * A queued run's stored config as its spec, for the executor; a config that no longer binds (an older run under
     * newer rules) is refused with every field's error ("invalid config: {field=…}").
     */
    public <R extends Record & RunSpec> R stored(Class<R> type, R defaults, JsonNode config) {
        Bound<R> bound = bind(type, defaults, config);
        if (!bound.ok()) throw new IllegalArgumentException("invalid config: " + bound.errors());
        return bound.spec();
    }

    /** A form field per component of {@code defaults}, in order, with its value as the default. */
    public static List<FormField> fields(Record defaults) {
        List<FormField> fields = new ArrayList<>();
        for (RecordComponent c : defaults.getClass().getRecordComponents()) {
            Object v = value(c, defaults);
            fields.add(FormField.of(c.getName(), v instanceof List<?> l ? String.join(", ", l.stream().map(String::valueOf).toList()) : v));
        }
        return fields;
    }

    public static ObjectNode toJson(Record spec) {
        return JSON.valueToTree(spec);
    }

    private static Object read(RecordComponent c, Map<String, String> values, Object fallback, Map<String, String> errors) {
        Class<?> t = c.getType();
        String name = c.getName();
        if (t == int.class || t == Integer.class) return FormValues.integer(values, name, (Integer) fallback, errors);
        if (t == long.class || t == Long.class) return FormValues.whole(values, name, (Long) fallback, errors);
        if (t == double.class || t == Double.class) return FormValues.number(values, name, (Double) fallback, errors);
        if (t == boolean.class || t == Boolean.class) return FormValues.bool(values, name, (Boolean) fallback, errors);
        if (t == String.class) {
            String v = FormValues.text(values, name);
            return v.isEmpty() ? fallback : v;
        }
        if (t.isEnum()) return choice(values, name, t, fallback, errors);
        if (t == List.class) return list(c, values, fallback, errors);
        throw new IllegalStateException("a spec field of type " + t + ": " + name);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object choice(Map<String, String> values, String name, Class<?> t, Object fallback, Map<String, String> errors) {
        return FormValues.choice(values, name, (Class) t, (Enum) fallback, errors);
    }

    /** A list of numbers or words separated by commas or white space; a number that does not parse names the field. */
    private static Object list(RecordComponent c, Map<String, String> values, Object fallback, Map<String, String> errors) {
        String raw = FormValues.text(values, c.getName());
        if (raw.isEmpty()) return fallback;
        Class<?> item = (Class<?>) ((ParameterizedType) c.getGenericType()).getActualTypeArguments()[0];
        List<String> parts = Arrays.stream(raw.replace("[", " ").replace("]", " ").split("[,\\s]+"))
                .filter(s -> !s.isBlank()).toList();
        List<Object> out = new ArrayList<>();
        try {
            for (String p : parts) out.add(item == Double.class ? Double.valueOf(p) : item == Long.class ? Long.valueOf(p) : p);
        } catch (NumberFormatException e) {
            ListText hint = c.getAnnotation(ListText.class);
            errors.put(c.getName(), hint != null ? hint.value() : "must be " + (item == Long.class ? "whole numbers" : "numbers") + " separated by commas");
            return null;
        }
        return List.copyOf(out);
    }

    private static Object value(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <R> R construct(Class<R> type, RecordComponent[] components, Object[] args) {
        try {
            return type.getDeclaredConstructor(Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new))
                    .newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
