package dev.rlhf.web.importing;

import dev.rlhf.lm.formats.JsonLines;

import java.util.Set;

/**
 * What an imported file may hold beyond its format. A line is read into memory whole, so its length is bounded while it
 * is read ({@link JsonLines#MAX_LINE}); the texts are bounded by what a TL;DR post and its summaries are (a Reddit post
 * holds at most 40,000 characters and its title 300). A file that breaks a limit is refused naming the line and the
 * field, nothing imported.
 */
public final class ImportLimits {
    /** Characters in one line of a jsonl file (a full-length post with four summaries takes a fraction of this). */
    public static final int LINE = JsonLines.MAX_LINE;
    public static final int POST = 40_000;
    public static final int TITLE = 300;
    public static final int SUMMARY = 10_000;
    public static final int NOTE = 2_000;
    /** Source ids, subreddits, policies and batch names. */
    public static final int NAME = 128;
    /** Imported workers become users named {@code imported:<worker>} (64 characters at most). */
    public static final int WORKER = 55;
    /** The splits the schema accepts ({@code comparisons_split_ck}). */
    public static final Set<String> SPLITS = Set.of("train", "valid", "valid1", "valid2", "test");

    private ImportLimits() {
    }

    /**
     * Checks one text field of a parsed line against the platform's rules (required where {@code required}, not
     * blank unless {@code allowEmpty}, at most {@code maxLength} characters, no NUL character as everywhere in the
     * API); returns it.
     */
    static String check(long line, String path, String value, int maxLength, boolean required, boolean allowEmpty) {
        if (value == null) {
            if (required) throw new BadLineException(line, path, "is required");
            return null;
        }
        String problem = dev.rlhf.web.api.TextInput.problem(value);
        if (problem != null) throw new BadLineException(line, path, problem);
        if (!allowEmpty && value.isBlank()) throw new BadLineException(line, path, "must not be empty");
        if (value.length() > maxLength) {
            throw new BadLineException(line, path, "is longer than " + maxLength + " characters");
        }
        return value;
    }
}
