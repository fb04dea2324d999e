package dev.rlhf.web.batch;

/**
 * How far a batch is: comparisons, labels stored against the K × comparisons it needs, comparisons complete,
 * assignments held now, and how often labelers skipped one of its comparisons; with the batch's instructions.
 */
public record BatchProgress(long id, String name, BatchMode mode, int overlapK, boolean tiesAllowed, int priority,
                            BatchState state, long comparisons, long labels, long completeComparisons,
                            long activeAssignments, long skips, String instructions) {
    public long labelsNeeded() {
        return comparisons * overlapK;
    }

    public int percent() {
        long needed = labelsNeeded();
        return needed == 0 ? 0 : (int) (100 * labels / needed);
    }
}
