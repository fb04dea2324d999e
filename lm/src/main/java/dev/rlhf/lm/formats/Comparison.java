package dev.rlhf.lm.formats;

import java.util.ArrayList;
import java.util.List;

/**
 * One human judgement in the summarize-from-feedback comparisons format: a post, 2 (or 4, best-of-4) summaries and
 * the index of the one the labeler chose.
 *
 * @param info       the post
 * @param summaries  at least two candidates
 * @param choice     index of the preferred summary; null only for a tie of two summaries (imported labels)
 * @param worker     the labeler's pseudonym; may be null
 * @param batch      the labeling batch; may be null
 * @param split      the split named in the file ({@code train}, {@code valid1}…); may be null
 * @param confidence 1 (a guess) … 9 (certain), from {@code extra.confidence}; null when absent
 */
public record Comparison(PostInfo info, List<Summary> summaries, Integer choice, String worker, String batch,
                         String split, Integer confidence) {

    public Comparison {
        if (summaries == null || summaries.size() < 2) {
            throw new IllegalArgumentException("a comparison needs at least two summaries, has "
                    + (summaries == null ? 0 : summaries.size()));
        }
        if (choice == null ? summaries.size() != 2 : choice < 0 || choice >= summaries.size()) {
            throw new IllegalArgumentException("choice " + choice + " is not an index of the " + summaries.size()
                    + " summaries");
        }
        if (confidence != null && (confidence < 1 || confidence > 9)) {
            throw new IllegalArgumentException("confidence " + confidence + " is outside 1..9");
        }
        summaries = List.copyOf(summaries);
    }

    /** Whether the labeler found neither of the two summaries better. */
    public boolean isTie() {
        return choice == null;
    }

    public Summary chosen() {
        if (choice == null) throw new IllegalStateException("a tie has no chosen summary");
        return summaries.get(choice);
    }

    /** The summaries' policies, in order (null where unknown). */
    public List<String> policies() {
        List<String> p = new ArrayList<>();
        for (Summary s : summaries) p.add(s.policy());
        return p;
    }

    /** The same comparison with another choice (used by aggregation and by the synthetic label noise). */
    public Comparison withChoice(Integer newChoice) {
        return new Comparison(info, summaries, newChoice, worker, batch, split, confidence);
    }
}
