package dev.rlhf.reward;

import java.util.List;

/**
 * One training or evaluation example: a prompt, k ≥ 2 candidate summaries and the index of the preferred one.
 * A pair (k = 2) trains with −log σ(r_chosen − r_rejected − margin); k = 4 (best-of-4) with the k-way softmax loss
 * (Ziegler et al., 2019), see {@link PreferenceLoss}.
 *
 * @param postId     the post, for the split by post and for grouping
 * @param prompt     the text the candidates continue (the TL;DR layout)
 * @param candidates the candidate summaries, at least two
 * @param chosen     index of the preferred candidate
 * @param weight     the example's weight in the loss (1, or less for a down-weighted low-confidence label)
 * @param margin     subtracted from the chosen candidate's reward inside the loss (0: none)
 * @param worker     the labeler (or "aggregate"); may be null
 * @param confidence 1..9 or null
 * @param policies   the candidates' policies (entries may be null)
 */
public record Preference(String postId, String prompt, List<String> candidates, int chosen, double weight,
                         double margin, String worker, Integer confidence, List<String> policies) {

    public Preference {
        if (candidates == null || candidates.size() < 2) {
            throw new IllegalArgumentException("a preference needs at least two candidates");
        }
        if (chosen < 0 || chosen >= candidates.size()) {
            throw new IllegalArgumentException("chosen " + chosen + " is not an index of " + candidates.size() + " candidates");
        }
        if (!(weight >= 0)) throw new IllegalArgumentException("weight must be ≥ 0, was " + weight);
        if (policies == null) {
            policies = java.util.Collections.nCopies(candidates.size(), null);
        } else if (policies.size() != candidates.size()) {
            throw new IllegalArgumentException(policies.size() + " policies for " + candidates.size() + " candidates");
        }
        candidates = List.copyOf(candidates);
        policies = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(policies));
    }

    /** A plain pair with weight 1 and no margin. */
    public static Preference pair(String postId, String prompt, String chosen, String rejected) {
        return new Preference(postId, prompt, List.of(chosen, rejected), 0, 1, 0, null, null, null);
    }

    public int size() {
        return candidates.size();
    }
}
