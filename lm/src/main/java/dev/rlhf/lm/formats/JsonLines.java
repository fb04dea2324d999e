package dev.rlhf.lm.formats;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The one jsonl reader: one strict JSON object a line, read one line at a time (never the whole file, and never more
 * of a line than {@link #MAX_LINE} characters: a longer line is refused as soon as it passes the limit, before it is
 * parsed or held whole). Blank lines are skipped but counted; lines end in {@code \n}, {@code \r\n} or {@code \r}.
 * The input must be UTF-8. Every error is a {@link JsonlFormatException} naming the source, the 1-based line number
 * and the field ({@link JsonlFormatException#LINE} for the line itself). Byte sources report the bytes read so far
 * (every MiB and at the end), for progress bars against the file's size. {@link #write} writes the lines of every
 * jsonl format here.
 */
public final class JsonLines {
    /** Characters in one line (1,048,576): a full-length TL;DR post with four summaries takes a fraction of this. */
    public static final int MAX_LINE = 1 << 20;
    private static final long PROGRESS_EVERY = 1 << 20;
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    /** Turns one line's object into a record; {@code source} and {@code lineNo} only name the place in errors. */
    @FunctionalInterface
    public interface RecordParser<T> {
        T parse(JsonObject object, String source, long lineNo);
    }

    /** Receives each line's object with its 1-based line number. */
    @FunctionalInterface
    public interface LineHandler {
        void line(long lineNo, JsonObject object);
    }

    private JsonLines() {
    }

    /** Parses every non-blank line of {@code file} and hands the records to {@code sink}; returns how many. */
    public static <T> long forEach(Path file, RecordParser<T> parser, Consumer<T> sink) throws IOException {
        String source = file.toString();
        return read(file, source, (lineNo, o) -> sink.accept(parser.parse(o, source, lineNo)), bytes -> { });
    }

    /** Every record of {@code file}, in file order: for files that fit in memory. */
    public static <T> List<T> readAll(Path file, RecordParser<T> parser) throws IOException {
        List<T> all = new ArrayList<>();
        forEach(file, parser, all::add);
        return all;
    }

    /** The same for text already decoded (no byte progress). */
    public static <T> long forEach(BufferedReader in, String source, RecordParser<T> parser, Consumer<T> sink)
            throws IOException {
        return read(in, source, MAX_LINE, (lineNo, o) -> sink.accept(parser.parse(o, source, lineNo)), null, null);
    }

    /**
     * Reads every line of {@code file}, reporting the bytes read so far to {@code progress}; returns the number of JSON
     * lines. {@code source} names the file in errors (null: errors name only the line).
     */
    public static long read(Path file, String source, LineHandler handler, LongConsumer progress) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, source, MAX_LINE, handler, progress);
        }
    }

    /** Reads a UTF-8 byte stream (not closed) with at most {@code maxLine} characters a line. */
    public static long read(InputStream in, String source, int maxLine, LineHandler handler, LongConsumer progress)
            throws IOException {
        CountingStream counting = new CountingStream(in);
        BufferedReader reader = new BufferedReader(new InputStreamReader(counting, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
        return read(reader, source, maxLine, handler, counting, progress);
    }

    private static long read(BufferedReader reader, String source, int maxLine, LineHandler handler,
                             CountingStream counting, LongConsumer progress) throws IOException {
        long lineNo = 0, records = 0, reported = 0;
        StringBuilder line = new StringBuilder();
        while (true) {
            String text;
            try {
                text = readLine(reader, line, maxLine, source, lineNo + 1);
            } catch (CharacterCodingException notUtf8) {
                throw new JsonlFormatException(source, lineNo + 1, JsonlFormatException.LINE,
                        "the file is not UTF-8 text");
            }
            if (text == null) break;
            lineNo++;
            if (text.isBlank()) continue;
            handler.line(lineNo, object(text, source, lineNo));
            records++;
            if (counting != null && counting.count - reported >= PROGRESS_EVERY) {
                reported = counting.count;
                progress.accept(reported);
            }
        }
        if (counting != null) progress.accept(counting.count);
        return records;
    }

    /**
     * The next line without its terminator, or null at the end; refuses a line longer than {@code maxLine} before
     * reading on.
     */
    private static String readLine(Reader reader, StringBuilder line, int maxLine, String source, long lineNo)
            throws IOException {
        line.setLength(0);
        int c;
        while ((c = reader.read()) >= 0) {
            if (c == '\n') return line.toString();
            if (c == '\r') {
                reader.mark(1);
                if (reader.read() != '\n') reader.reset();
                return line.toString();
            }
            if (line.length() == maxLine) {
                throw new JsonlFormatException(source, lineNo, JsonlFormatException.LINE, "is longer than " + maxLine
                        + " characters, the most a line may hold");
            }
            line.append((char) c);
        }
        return line.isEmpty() ? null : line.toString();
    }

    /** Writes {@code object} as one line (nulls kept, no HTML escaping) and its {@code \n}. */
    public static void write(Writer out, JsonObject object) throws IOException {
        GSON.toJson(object, out);
        out.write('\n');
    }

    /** The JSON object on one line (strict JSON), or a {@link JsonlFormatException} that says why it is not one. */
    public static JsonObject object(String line, String source, long lineNo) {
        JsonElement e;
        try {
            JsonReader json = new JsonReader(new StringReader(line));
            json.setStrictness(Strictness.STRICT);
            e = JsonParser.parseReader(json);
            if (json.peek() != JsonToken.END_DOCUMENT) throw new JsonParseException("more than one JSON value");
        } catch (JsonParseException | IOException | IllegalStateException notJson) {
            Throwable root = notJson;
            while (root.getCause() != null) root = root.getCause();
            throw new JsonlFormatException(source, lineNo, JsonlFormatException.LINE,
                    "not valid JSON: " + firstLine(root.getMessage()));
        }
        if (!e.isJsonObject()) {
            throw new JsonlFormatException(source, lineNo, JsonlFormatException.LINE, "each line must be one JSON object");
        }
        return e.getAsJsonObject();
    }

    private static String firstLine(String message) {
        if (message == null) return "unreadable";
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) count++;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) count += n;
            return n;
        }
    }
}
