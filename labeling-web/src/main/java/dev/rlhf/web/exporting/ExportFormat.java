package dev.rlhf.web.exporting;

/** Summarize-from-feedback comparisons jsonl, or {@code {"prompt","chosen","rejected"}} preference pairs jsonl. */
public enum ExportFormat {
    COMPARISONS, PAIRS
}
