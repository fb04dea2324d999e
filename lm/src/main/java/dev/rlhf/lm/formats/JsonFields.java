package dev.rlhf.lm.formats;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.math.BigDecimal;

/** Typed field access for one jsonl line; every error names the source, the line and the field's path. */
record JsonFields(String source, long lineNo) {

    JsonlFormatException bad(String field, String problem) {
        return new JsonlFormatException(source, lineNo, field, problem);
    }

    JsonObject object(JsonObject parent, String key, String path) {
        JsonElement e = parent.get(key);
        if (e == null || e.isJsonNull()) throw bad(path, "is required");
        if (!e.isJsonObject()) throw bad(path, "must be an object");
        return e.getAsJsonObject();
    }

    /** A string field, or null where it is absent or null and not {@code required}. */
    String string(JsonObject parent, String key, String path, boolean required) {
        JsonElement e = parent.get(key);
        if (e == null || e.isJsonNull()) {
            if (required) throw bad(path, "is required");
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw bad(path, required ? "must be a string" : "must be a string or null");
        }
        return e.getAsString();
    }

    /** A required string that is not blank. */
    String text(JsonObject parent, String key, String path) {
        String value = string(parent, key, path, true);
        if (value.isBlank()) throw bad(path, "must not be empty");
        return value;
    }

    /** An integer in {@code min..max}, or null where it is absent or null. */
    Integer optionalInt(JsonObject parent, String key, String path, int min, int max) {
        JsonElement e = parent == null ? null : parent.get(key);
        if (e == null || e.isJsonNull()) return null;
        int value;
        try {
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw new NumberFormatException();
            BigDecimal d = e.getAsBigDecimal();
            value = d.intValueExact();
        } catch (RuntimeException notInt) {
            throw bad(path, "must be an integer");
        }
        if (value < min || value > max) throw bad(path, "must be between " + min + " and " + max + ", got " + value);
        return value;
    }
}
