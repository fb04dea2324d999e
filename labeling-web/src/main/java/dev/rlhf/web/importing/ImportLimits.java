package dev.rlhf.web.importing;

/**
 * How large the parts of an import file may be. A line is read into memory whole, so its length is bounded before it is
 * read further; the texts are bounded by what a TL;DR post and its summaries are (a Reddit post holds at most 40,000
 * characters and its title 300). A file that breaks a limit is refused naming the line and the field, nothing imported.
 */
public final class ImportLimits {
    /** Characters in one line of a jsonl file (a full-length post with four summaries takes a fraction of this). */
    public static final int LINE = 1 << 20;
    public static final int POST = 40_000;
    public static final int TITLE = 300;
    public static final int SUMMARY = 10_000;
    public static final int NOTE = 2_000;

    private ImportLimits() {
    }
}
