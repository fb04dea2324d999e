package dev.rlhf.lm.formats;

/**
 * One candidate summary of a comparison, as in the summarize-from-feedback {@code summaries} array.
 *
 * @param text   the summary (never null; a file's summary is never empty, the reader refuses it)
 * @param policy the policy that wrote it ({@code ref} for the human reference in the original data); may be null
 * @param note   the labeler's free-text note; may be null
 */
public record Summary(String text, String policy, String note) {

    public Summary {
        if (text == null) throw new IllegalArgumentException("summary text is missing");
    }
}
