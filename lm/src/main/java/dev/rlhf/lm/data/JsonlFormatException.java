package dev.rlhf.lm.data;

/** A jsonl file that does not follow its format; the message names the file, the line number and the field. */
public class JsonlFormatException extends IllegalArgumentException {
    private final long line;

    public JsonlFormatException(String source, long line, String problem) {
        super(source + ", line " + line + ": " + problem);
        this.line = line;
    }

    /** The 1-based line number of the offending record. */
    public long line() {
        return line;
    }
}
