package dev.rlhf.lm.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads {@code metrics.jsonl} (see {@link JsonlSink}) and writes it as CSV. */
public final class MetricsJsonl {
    private MetricsJsonl() {}

    /** One line: its step, wall time and metrics in file order (non-finite values as NaN and ±Infinity). */
    public record Row(long step, double time, Map<String, Double> metrics) {}

    public static List<Row> read(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            Map<String, Double> m = parse(line);
            Double step = m.remove("step");
            Double time = m.remove("time");
            if (step == null) throw new IOException(file + ": a line without \"step\": " + line);
            rows.add(new Row(step.longValue(), time == null ? Double.NaN : time, m));
        }
        return rows;
    }

    /**
     * One row per step (the lines of one step merged), columns {@code step,time} then every metric name in order of first appearance; a metric a
     * step did not log is an empty cell, NaN and infinities are written as {@code NaN}, {@code Infinity},
     * {@code -Infinity}.
     */
    public static String csv(List<Row> rows) {
        Map<Long, Row> byStep = new LinkedHashMap<>();   // lines of one step (DPO's validation at its last) merge
        for (Row r : rows) {
            byStep.merge(r.step(), r, (a, b) -> {
                Map<String, Double> m = new LinkedHashMap<>(a.metrics());
                m.putAll(b.metrics());
                return new Row(a.step(), Math.max(a.time(), b.time()), m);
            });
        }
        rows = List.copyOf(byStep.values());
        Set<String> names = new LinkedHashSet<>();
        for (Row r : rows) names.addAll(r.metrics().keySet());
        StringBuilder b = new StringBuilder("step,time");
        for (String n : names) b.append(',').append(csvCell(n));
        b.append('\n');
        for (Row r : rows) {
            b.append(r.step()).append(',').append(plain(r.time()));
            for (String n : names) {
                b.append(',');
                Double v = r.metrics().get(n);
                if (v != null) b.append(plain(v));
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String plain(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "Infinity" : "-Infinity";
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    /** A JSON number, or for NaN and ±Infinity the JSON string {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}. */
    static String number(double v) {
        if (Double.isNaN(v)) return "\"NaN\"";
        if (Double.isInfinite(v)) return v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    static void quote(String s, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }

    /** A flat JSON object of string keys and number, string ("NaN", "Infinity", "-Infinity") or null values. */
    static Map<String, Double> parse(String line) throws IOException {
        Map<String, Double> m = new LinkedHashMap<>();
        int[] i = {skip(line, 0)};
        expect(line, i, '{');
        if (peek(line, i) == '}') return m;
        while (true) {
            String key = string(line, i);
            expect(line, i, ':');
            char c = peek(line, i);
            Double v;
            if (c == '"') {
                String s = string(line, i);
                v = switch (s) {
                    case "NaN" -> Double.NaN;
                    case "Infinity" -> Double.POSITIVE_INFINITY;
                    case "-Infinity" -> Double.NEGATIVE_INFINITY;
                    default -> throw new IOException("not a metric value: \"" + s + "\" in " + line);
                };
            } else {
                int start = i[0];
                while (i[0] < line.length() && ",} \t".indexOf(line.charAt(i[0])) < 0) i[0]++;
                String t = line.substring(start, i[0]);
                v = switch (t) {
                    case "null" -> null;
                    case "NaN" -> Double.NaN;
                    case "Infinity" -> Double.POSITIVE_INFINITY;
                    case "-Infinity" -> Double.NEGATIVE_INFINITY;
                    default -> {
                        try {
                            yield Double.parseDouble(t);
                        } catch (NumberFormatException e) {
                            throw new IOException("not a number: " + t + " in " + line);
                        }
                    }
                };
            }
            if (v != null) m.put(key, v);
            char n = peek(line, i);
            i[0]++;
            if (n == '}') return m;
            if (n != ',') throw new IOException("expected , or } in " + line);
        }
    }

    private static int skip(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }

    private static char peek(String s, int[] i) throws IOException {
        i[0] = skip(s, i[0]);
        if (i[0] >= s.length()) throw new IOException("unfinished line: " + s);
        return s.charAt(i[0]);
    }

    private static void expect(String s, int[] i, char c) throws IOException {
        if (peek(s, i) != c) throw new IOException("expected " + c + " in " + s);
        i[0]++;
    }

    private static String string(String s, int[] i) throws IOException {
        expect(s, i, '"');
        StringBuilder b = new StringBuilder();
        while (i[0] < s.length()) {
            char c = s.charAt(i[0]++);
            if (c == '"') return b.toString();
            if (c == '\\') {
                char e = s.charAt(i[0]++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i[0], i[0] + 4), 16));
                        i[0] += 4;
                    }
                    default -> b.append(e);
                }
            } else {
                b.append(c);
            }
        }
        throw new IOException("unfinished string in " + s);
    }
}
