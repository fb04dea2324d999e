package dev.rlhf.web.importing;

import dev.rlhf.web.api.TextInput;
import tools.jackson.databind.JsonNode;

/** Reads typed fields of one line's JSON and names the field (with its path) when one is missing or wrong. */
final class JsonFields {
    private final long line;

    JsonFields(long line) {
        this.line = line;
    }

    BadLineException bad(String field, String reason) {
        return new BadLineException(line, field, reason);
    }

    JsonNode object(JsonNode parent, String name, String path) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            throw bad(path, "is required");
        }
        if (!node.isObject()) {
            throw bad(path, "must be an object");
        }
        return node;
    }

    String text(JsonNode parent, String name, String path, int maxLength, boolean allowEmpty) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            throw bad(path, "is required");
        }
        if (!node.isString()) {
            throw bad(path, "must be a string");
        }
        String value = noNul(node.stringValue(), path);
        if (!allowEmpty && value.isBlank()) {
            throw bad(path, "must not be empty");
        }
        if (maxLength > 0 && value.length() > maxLength) {
            throw bad(path, "is longer than " + maxLength + " characters");
        }
        return value;
    }

    String optionalText(JsonNode parent, String name, String path, int maxLength) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw bad(path, "must be a string or null");
        }
        String value = noNul(node.stringValue(), path);
        if (value.length() > maxLength) {
            throw bad(path, "is longer than " + maxLength + " characters");
        }
        return value;
    }

    /** The text rule of the whole API and the forms ({@link TextInput}: no NUL character). */
    private String noNul(String value, String path) {
        String problem = TextInput.problem(value);
        if (problem != null) {
            throw bad(path, problem);
        }
        return value;
    }

    Integer optionalInt(JsonNode parent, String name, String path, int min, int max) {
        JsonNode node = parent == null ? null : parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw bad(path, "must be an integer");
        }
        int value = node.intValue();
        if (value < min || value > max) {
            throw bad(path, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }
}
