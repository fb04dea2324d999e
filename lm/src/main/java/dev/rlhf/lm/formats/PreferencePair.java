package dev.rlhf.lm.formats;

/** One line of a {@code {"prompt","chosen","rejected"}} preference-pair jsonl, the exchange format of other trainers. */
public record PreferencePair(String prompt, String chosen, String rejected) {

    public PreferencePair {
        if (prompt == null || chosen == null || rejected == null) {
            throw new IllegalArgumentException("prompt, chosen and rejected are all required");
        }
    }
}
