package dev.rlhf.web.importing;

import dev.rlhf.lm.formats.JsonlFormatException;

/**
 * A line of an import file that cannot be imported: its 1-based number, the field at fault and why. The message is
 * {@code line N: FIELD: REASON}; the file's own format errors ({@link JsonlFormatException}) arrive as this too.
 */
public class BadLineException extends JsonlFormatException {

    public BadLineException(long line, String field, String reason) {
        super(null, line, field, reason);
    }

    /** The same fault, as the import reports it. */
    static BadLineException of(JsonlFormatException e) {
        return e instanceof BadLineException bad ? bad : new BadLineException(e.line(), e.field(), e.problem());
    }
}
