package dev.rlhf.lm.formats;

/**
 * A jsonl line that does not follow its format. The message is {@code SOURCE, line N: FIELD: PROBLEM} (without the
 * source where none is named); {@code FIELD} is the field's path ({@code info.id}, {@code summaries[1].text}) or
 * {@code (line)} when the line itself is at fault (not JSON, not an object, too long, not UTF-8).
 */
public class JsonlFormatException extends IllegalArgumentException {
    /** The field name of a fault in the line itself rather than in one of its fields. */
    public static final String LINE = "(line)";

    private final long line;
    private final String field;
    private final String problem;

    public JsonlFormatException(String source, long line, String field, String problem) {
        super((source == null ? "" : source + ", ") + "line " + line + ": " + field + ": " + problem);
        this.line = line;
        this.field = field;
        this.problem = problem;
    }

    /** The 1-based line number of the offending record. */
    public long line() {
        return line;
    }

    /** The field at fault, or {@link #LINE}. */
    public String field() {
        return field;
    }

    /** What is wrong, without the place. */
    public String problem() {
        return problem;
    }
}
