package dev.rlhf.web.importing;

import java.time.Instant;

/**
 * An import as it runs: state QUEUED → RUNNING → SUCCEEDED | FAILED; phase VALIDATING (first pass over the
 * file, nothing written) then WRITING (second pass, one transaction). A failed job names the line and field.
 */
public record ImportJob(long id, ImportKind kind, String filename, String state, String phase, long bytesTotal,
                        long bytesDone, long rowsTotal, long rowsImported, long rowsSkipped, String error,
                        Long errorLine, String errorField, Instant createdAt, Instant finishedAt) {

    /** 0-100: validation covers the first half of the bar, writing the second. */
    public int percent() {
        if ("SUCCEEDED".equals(state)) {
            return 100;
        }
        double read = bytesTotal == 0 ? 0 : Math.min(1.0, (double) bytesDone / bytesTotal);
        return switch (phase) {
            case "VALIDATING" -> (int) (50 * read);
            case "WRITING" -> 50 + (int) (49 * read);
            case "DONE" -> 100;
            default -> 0;
        };
    }

    public boolean finished() {
        return "SUCCEEDED".equals(state) || "FAILED".equals(state);
    }
}
