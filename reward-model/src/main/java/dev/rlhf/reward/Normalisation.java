package dev.rlhf.reward;

import java.util.List;

/**
 * The paper's normalisation: a bias chosen so that reference summaries score 0 on average. The offset is the mean
 * raw reward of the references, offset = (1/n)·Σ r(x_i, y_ref_i); {@link RewardModel#subtractFromBias} folds it in.
 *
 * @param offset         subtracted from every reward
 * @param referenceCount how many reference summaries it was measured on
 * @param source         what the references were (e.g. "policy ref in the training comparisons")
 */
public record Normalisation(double offset, int referenceCount, String source) {

    /** Measures the offset on {@code references} and folds it into the model's bias; returns it. */
    public static Normalisation apply(RewardModel model, RewardScorer scorer, List<RewardScorer.Candidate> references,
                                      String source) {
        if (references.isEmpty()) throw new IllegalArgumentException("no reference summaries to normalise on");
        double sum = 0;
        for (double r : scorer.score(references)) sum += r;
        double offset = sum / references.size();                                 // mean reward of the references
        model.subtractFromBias(offset);
        return new Normalisation(offset, references.size(), source);
    }
}
