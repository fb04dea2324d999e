package dev.rlhf.web.exporting;

import java.time.LocalDate;

/**
 * Which labels to export; every part is optional: batch name, split, labeler pseudonym, and label dates
 * {@code from} (inclusive) to {@code to} (inclusive), in UTC.
 */
public record ExportFilter(String batch, String split, String labeler, LocalDate from, LocalDate to) {
    public static final ExportFilter ALL = new ExportFilter(null, null, null, null, null);
}
