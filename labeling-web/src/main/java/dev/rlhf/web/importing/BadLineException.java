package dev.rlhf.web.importing;

/** A line of an import file that cannot be imported: its 1-based number, the field at fault and why. */
public class BadLineException extends RuntimeException {
    private final long line;
    private final String field;

    public BadLineException(long line, String field, String reason) {
        super("line " + line + ": " + field + ": " + reason);
        this.line = line;
        this.field = field;
    }

    public long line() {
        return line;
    }

    public String field() {
        return field;
    }
}
