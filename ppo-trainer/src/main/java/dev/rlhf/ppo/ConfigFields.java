package dev.rlhf.ppo;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A trainer's config record read and written by field name, the way the command line and a web form set it: every
 * field from text, parsed as the field's type, then the record's own validation; an unknown field, an unparsable value
 * or one the validation refuses is an {@link IllegalArgumentException} naming the field.
 */
public final class ConfigFields {

    private ConfigFields() {}

    /** The field names of {@code type}, in declaration order. */
    public static String[] names(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toArray(String[]::new);
    }

    /** Field name → value, in declaration order (for logs, checkpoints and forms). */
    public static Map<String, Object> asMap(Record config) {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            for (RecordComponent c : config.getClass().getRecordComponents()) m.put(c.getName(), c.getAccessor().invoke(config));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return m;
    }

    /**
     * A copy of {@code config} with every entry of {@code values} (field name → text) applied at once, then validated,
     * so fields that constrain each other can change together. {@code what} names the config in messages ("PPO").
     */
    @SuppressWarnings("unchecked")
    public static <R extends Record> R with(R config, Map<String, String> values, String what) {
        Class<R> type = (Class<R>) config.getClass();
        RecordComponent[] comps = type.getRecordComponents();
        Object[] args = new Object[comps.length];
        Map<String, String> pending = new LinkedHashMap<>(values);
        try {
            for (int i = 0; i < comps.length; i++) {
                String name = comps[i].getName();
                args[i] = pending.containsKey(name) ? parse(what, name, comps[i].getType(), pending.remove(name))
                        : comps[i].getAccessor().invoke(config);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        if (!pending.isEmpty()) {
            throw new IllegalArgumentException("unknown " + what + " config field \"" + pending.keySet().iterator().next()
                    + "\"; fields are " + String.join(", ", names(type)));
        }
        try {
            Constructor<R> ctor = type.getDeclaredConstructor(
                    Arrays.stream(comps).map(RecordComponent::getType).toArray(Class<?>[]::new));
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object parse(String what, String name, Class<?> type, String text) {
        String v = text == null ? "" : text.trim();
        try {
            if (type == int.class) return Integer.parseInt(v.replace("_", ""));
            if (type == long.class) return Long.parseLong(v.replace("_", ""));
            if (type == double.class) return Double.parseDouble(v.replace("_", ""));
            if (type == boolean.class) {
                String b = v.toLowerCase(Locale.ROOT);
                if (b.equals("true")) return true;
                if (b.equals("false")) return false;
                throw new IllegalArgumentException(what + " config field " + name + " must be true or false, was \"" + text + "\"");
            }
            if (type == String.class) return v;
            if (type.isEnum()) return constant(what, name, type, v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " config field " + name + " must be a " + type.getSimpleName()
                    + ", was \"" + text + "\"");
        }
        throw new IllegalStateException("unsupported field type " + type + " of " + name);
    }

    /** The constant of enum {@code type} named {@code text}, in any case; another name is refused listing the names. */
    private static Object constant(String what, String name, Class<?> type, String text) {
        for (Object c : type.getEnumConstants()) {
            if (((Enum<?>) c).name().equalsIgnoreCase(text)) return c;
        }
        String names = String.join(", ", java.util.Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name()).toList());
        throw new IllegalArgumentException(what + " config field " + name + " must be one of " + names + ", was \"" + text + "\"");
    }

    /** Refuses {@code v ≤ 0}, naming the field. */
    public static void positive(String name, long v) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be positive, was " + v);
    }

    /** Refuses a negative, NaN or infinite {@code v}, naming the field. */
    public static void nonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(name + " must be ≥ 0, was " + v);
    }

    /** Refuses {@code v} outside [0, 1] (closed) or [0, 1), naming the field. */
    public static void unit(String name, double v, boolean closed) {
        boolean ok = closed ? v >= 0 && v <= 1 : v >= 0 && v < 1;
        if (!ok) throw new IllegalArgumentException(name + " must be in [0, 1" + (closed ? "]" : ")") + ", was " + v);
    }
    /**
     * The sampling and optimiser fields that PPO and RLOO share, checked in this order: responseLength,
     * maxPromptTokens, temperature, learningRate, lrSchedule, the AdamW fields, weightDecay, maxGradNorm, klCoef.
     */
    public static void samplingAndOptimiser(int responseLength, int maxPromptTokens, double temperature,
                                            double learningRate, String lrSchedule, double adamBeta1, double adamBeta2,
                                            double adamEps, double weightDecay, double maxGradNorm, double klCoef) {
        positive("responseLength", responseLength);
        positive("maxPromptTokens", maxPromptTokens);
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive, was " + temperature);
        }
        nonNegative("learningRate", learningRate);
        if (lrSchedule == null || !(lrSchedule.equals("linear") || lrSchedule.equals("cosine") || lrSchedule.equals("constant"))) {
            throw new IllegalArgumentException("lrSchedule must be linear, cosine or constant, was " + lrSchedule);
        }
        adam(adamBeta1, adamBeta2, adamEps);
        nonNegative("weightDecay", weightDecay);
        nonNegative("maxGradNorm", maxGradNorm);
        nonNegative("klCoef", klCoef);
    }

    /** AdamW's β1 and β2 in [0, 1) and a positive ε. */
    public static void adam(double adamBeta1, double adamBeta2, double adamEps) {
        unit("adamBeta1", adamBeta1, false);
        unit("adamBeta2", adamBeta2, false);
        if (!(adamEps > 0)) throw new IllegalArgumentException("adamEps must be positive, was " + adamEps);
    }
}
