package dev.rlhf.lm.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.Consumer;

/** The loop every jsonl reader shares: one JSON object a line, blank lines skipped, errors carry the line number. */
public final class JsonLines {

    /** Turns one line's object into a record; {@code source} and {@code lineNo} only name the place in errors. */
    @FunctionalInterface
    public interface RecordParser<T> {
        T parse(JsonObject object, String source, long lineNo);
    }

    private JsonLines() {
    }

    /** Parses every non-blank line of {@code in} and hands the records to {@code sink}; returns how many. */
    public static <T> long forEach(BufferedReader in, String source, RecordParser<T> parser, Consumer<T> sink)
            throws IOException {
        long lineNo = 0, count = 0;
        for (String line; (line = in.readLine()) != null; ) {
            lineNo++;
            if (line.isBlank()) continue;
            sink.accept(parser.parse(object(line, source, lineNo), source, lineNo));
            count++;
        }
        return count;
    }

    /** The JSON object on one line, or a {@link JsonlFormatException} that says why it is not one. */
    public static JsonObject object(String line, String source, long lineNo) {
        try {
            JsonElement e = JsonParser.parseString(line);
            if (!e.isJsonObject()) throw new JsonlFormatException(source, lineNo, "expected a JSON object");
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            throw new JsonlFormatException(source, lineNo, "not valid JSON (" + root.getMessage() + ")");
        }
    }
}
