package dev.rlhf.web.active;

import dev.rlhf.reward.Disagreement;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Choosing N pairs from the scored pool: the N with the highest disagreement (ties broken by post, then summary ids, so
 * the choice is reproducible), or N drawn at random with a seed (the baseline to compare with).
 */
public final class BatchSelection {
    private BatchSelection() {
    }

    /** A candidate pair with its members' Δr, their {@link Disagreement}, and the value of the chosen measure. */
    public record Scored(CandidatePair pair, double[] deltas, Disagreement disagreement, double value) {
    }

    public static List<Scored> score(List<CandidatePair> pairs, double[][] deltas, DisagreementMeasure measure) {
        List<Scored> scored = new ArrayList<>(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            Disagreement d = Disagreement.of(deltas[i]);
            scored.add(new Scored(pairs.get(i), deltas[i].clone(), d, measure.of(d)));
        }
        return scored;
    }

    /** At most n pairs, in rank order: highest disagreement first, or the order drawn. */
    public static List<Scored> choose(List<Scored> pool, SelectionMethod method, int n, long seed) {
        List<Scored> order = new ArrayList<>(pool);
        if (method == SelectionMethod.DISAGREEMENT) {
            order.sort(Comparator.comparingDouble(Scored::value).reversed()
                    .thenComparingLong(s -> s.pair().postId())
                    .thenComparingLong(s -> s.pair().summaryA())
                    .thenComparingLong(s -> s.pair().summaryB()));
        } else {
            Collections.shuffle(order, new Random(seed));
        }
        return List.copyOf(order.subList(0, Math.min(n, order.size())));
    }

    public static double mean(List<Scored> scored) {
        double s = 0;
        for (Scored x : scored) s += x.value();
        return scored.isEmpty() ? Double.NaN : s / scored.size();
    }
}
