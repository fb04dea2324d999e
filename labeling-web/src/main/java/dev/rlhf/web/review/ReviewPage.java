package dev.rlhf.web.review;

import java.util.List;
import java.util.Map;

/**
 * One page of the review: the flagged or noted labels that match the filter (newest first) with their total, and the
 * skips that match its batch and labeler (the newest of them, and how many per reason).
 */
public record ReviewPage(ReviewFilter filter, List<ReviewedLabel> labels, long totalLabels, List<ReviewedSkip> skips,
                         long totalSkips, Map<String, Long> skipsByReason) {

    public int pages() {
        return (int) Math.max(1, (totalLabels + ReviewFilter.PAGE_SIZE - 1) / ReviewFilter.PAGE_SIZE);
    }

    public boolean hasNext() {
        return filter.page() < pages();
    }

    public boolean hasPrevious() {
        return filter.page() > 1;
    }
}
