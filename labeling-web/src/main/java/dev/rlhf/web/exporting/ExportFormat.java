package dev.rlhf.web.exporting;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Summarize-from-feedback comparisons jsonl, or {@code {"prompt","chosen","rejected"}} preference pairs jsonl. */
public enum ExportFormat {
    COMPARISONS, PAIRS;

    /** The format as the API path and the command line name it: "comparisons" or "pairs". */
    public static Optional<ExportFormat> named(String name) {
        return Arrays.stream(values()).filter(f -> f.name().toLowerCase(Locale.ROOT).equals(name)).findFirst();
    }
}
