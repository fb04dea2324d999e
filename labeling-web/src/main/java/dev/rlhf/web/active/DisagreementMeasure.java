package dev.rlhf.web.active;

import dev.rlhf.reward.Disagreement;

/** Which spread of the ensemble's opinions ranks a pair: the std of P(A ≻ B) = σ(Δr) (default), or the std of Δr. */
public enum DisagreementMeasure {
    STD_PROBABILITY, STD_DELTA;

    public double of(Disagreement d) {
        return this == STD_PROBABILITY ? d.stdProbability() : d.stdDelta();
    }
}
