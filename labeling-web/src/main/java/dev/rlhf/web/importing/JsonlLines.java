package dev.rlhf.web.importing;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a jsonl file one line at a time (never the whole file, and never more of a line than
 * {@link ImportLimits#LINE} characters: a longer line is refused as soon as it passes the limit): each non-blank line
 * is parsed into a JSON tree and handed over with its 1-based line number; the bytes read so far are counted for
 * progress.
 */
final class JsonlLines {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    interface LineHandler {
        void line(long number, JsonNode json);
    }

    interface ByteProgress {
        void bytesRead(long bytes);
    }

    private JsonlLines() {
    }

    /** Reads every line of the file; returns the number of JSON lines (blank lines are skipped but counted). */
    static long read(Path file, LineHandler handler, ByteProgress progress) {
        try (CountingStream counting = new CountingStream(Files.newInputStream(file));
             BufferedReader reader = new BufferedReader(new InputStreamReader(counting, StandardCharsets.UTF_8.newDecoder()
                     .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16)) {
            long number = 0;
            long records = 0;
            long reported = 0;
            StringBuilder line = new StringBuilder();
            String text;
            while (true) {
                try {
                    text = readLine(reader, line, number + 1);
                } catch (CharacterCodingException notUtf8) {
                    throw new BadLineException(number + 1, "(line)", "the file is not UTF-8 text");
                }
                if (text == null) {
                    break;
                }
                number++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode json;
                try {
                    json = JSON.readTree(text);
                } catch (JacksonException notJson) {
                    throw new BadLineException(number, "(line)", "not valid JSON: " + firstLine(notJson.getOriginalMessage()));
                }
                if (json == null || !json.isObject()) {
                    throw new BadLineException(number, "(line)", "each line must be one JSON object");
                }
                handler.line(number, json);
                records++;
                if (counting.count - reported >= (1 << 20)) {
                    reported = counting.count;
                    progress.bytesRead(reported);
                }
            }
            progress.bytesRead(counting.count);
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The next line without its terminator ({@code \n}, {@code \r\n} or {@code \r}, as {@link BufferedReader#readLine}
     * reads them), or null at the end; refuses a line longer than {@link ImportLimits#LINE} before reading on.
     */
    private static String readLine(BufferedReader reader, StringBuilder line, long number) throws IOException {
        line.setLength(0);
        int c;
        while ((c = reader.read()) >= 0) {
            if (c == '\n') {
                return line.toString();
            }
            if (c == '\r') {
                reader.mark(1);
                if (reader.read() != '\n') {
                    reader.reset();
                }
                return line.toString();
            }
            if (line.length() == ImportLimits.LINE) {
                throw new BadLineException(number, "(line)", "is longer than " + ImportLimits.LINE
                        + " characters, the most a line may hold");
            }
            line.append((char) c);
        }
        return line.isEmpty() ? null : line.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
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
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
