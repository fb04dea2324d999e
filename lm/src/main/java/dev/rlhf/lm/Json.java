package dev.rlhf.lm;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.nio.file.Path;

/** Reading config.json fields with defaults, and naming the file when a required one is missing. */
final class Json {

    private Json() {}

    static int required(JsonObject o, String field, Path file) {
        if (!o.has(field) || o.get(field).isJsonNull()) {
            throw new IllegalArgumentException(file + ": config field \"" + field + "\" is missing");
        }
        return o.get(field).getAsInt();
    }

    static int integer(JsonObject o, String field, int fallback) {
        return o.has(field) && !o.get(field).isJsonNull() ? o.get(field).getAsInt() : fallback;
    }

    static Integer optionalInt(JsonObject o, String field) {
        return o.has(field) && !o.get(field).isJsonNull() ? o.get(field).getAsInt() : null;
    }

    /** An id that config.json may give as a number or as a list (the first counts); null when absent. */
    static Integer firstInt(JsonObject o, String field) {
        if (!o.has(field) || o.get(field).isJsonNull()) return null;
        JsonElement e = o.get(field);
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            return a.isEmpty() ? null : a.get(0).getAsInt();
        }
        return e.getAsInt();
    }

    static double decimal(JsonObject o, String field, double fallback) {
        return o.has(field) && !o.get(field).isJsonNull() ? o.get(field).getAsDouble() : fallback;
    }

    static boolean bool(JsonObject o, String field, boolean fallback) {
        return o.has(field) && !o.get(field).isJsonNull() ? o.get(field).getAsBoolean() : fallback;
    }

    static String string(JsonObject o, String field, String fallback) {
        return o.has(field) && !o.get(field).isJsonNull() ? o.get(field).getAsString() : fallback;
    }
}
