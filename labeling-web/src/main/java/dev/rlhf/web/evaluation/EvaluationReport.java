package dev.rlhf.web.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the evaluation page and {@code GET /api/evaluations/{id}} show: per side (the policy; in a policy-vs-policy
 * evaluation also the opponent policy), the human win rate against the other side with its intervals
 * ({@link WinRate}), and the reward model's view of the same labelled pairs.
 *
 * <p>Reward model, over the comparisons that have at least one label (each pair counted once):
 * <pre>
 *   predicted win rate = mean over pairs of σ(r_side − r_other),   σ(x) = 1 / (1 + e^(−x))
 *   ranked first       = share of pairs with r_side > r_other (equal rewards count ½)
 *   agreement          = labels whose chosen summary is the one with the higher reward / labels that chose one
 *                        (ties and pairs with equal rewards left out)
 * </pre>
 */
public record EvaluationReport(EvaluationStore.Evaluation evaluation, long comparisons, long labelledComparisons,
                               long labels, List<Side> sides) {

    /** One side's figures; {@code rewardModel} is null when the evaluation has no reward model. */
    public record Side(String role, String name, Long modelId, String opponentName, WinRate human,
                       RewardModelView rewardModel) {
        public String rate() {
            return format(human.rate());
        }

        public String interval() {
            return interval(human.byComparison());
        }

        public String labelInterval() {
            return interval(human.byLabel());
        }

        private static String interval(WinRate.Interval i) {
            return i.exists() ? "[" + format(i.low()) + ", " + format(i.high()) + "]" : "–";
        }
    }

    public record RewardModelView(long pairs, double predictedWinRate, double rankedFirst, long agreeing,
                                  long disagreeing, double agreement) {
        public String predicted() {
            return format(predictedWinRate);
        }

        public String first() {
            return format(rankedFirst);
        }

        public String agreementShown() {
            return format(agreement);
        }
    }

    public static String format(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "–";
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    public static EvaluationReport of(EvaluationStore.Evaluation e, List<EvaluationStore.Pair> pairs) {
        List<WinRate.Tally> tallies = pairs.stream().map(p -> new WinRate.Tally(p.wins(), p.ties(), p.losses())).toList();
        List<EvaluationStore.Pair> labelled = pairs.stream().filter(p -> p.wins() + p.ties() + p.losses() > 0).toList();
        long labels = labelled.stream().mapToLong(p -> p.wins() + p.ties() + p.losses()).sum();
        RewardModelView rm = e.rewardModelId() == null ? null : rewardModel(labelled);
        List<Side> sides = new ArrayList<>();
        sides.add(new Side("policy", e.policyName(), e.policyModelId(), e.opponentName(), WinRate.of(tallies), rm));
        if (!e.againstReference()) {
            sides.add(new Side("opponent", e.opponentName(), e.opponentModelId(), e.policyName(),
                    WinRate.ofOpponent(tallies), rm == null ? null : flipped(rm)));
        }
        return new EvaluationReport(e, pairs.size(), labelled.size(), labels, sides);
    }

    /** The policy side's reward-model figures over the labelled pairs. */
    static RewardModelView rewardModel(List<EvaluationStore.Pair> labelled) {
        long n = 0, agreeing = 0, disagreeing = 0;
        double predicted = 0, first = 0;
        for (EvaluationStore.Pair p : labelled) {
            if (p.policyReward() == null || p.opponentReward() == null) continue;
            double margin = p.policyReward() - p.opponentReward();
            n++;
            predicted += sigmoid(margin);
            first += margin > 0 ? 1 : margin == 0 ? 0.5 : 0;
            if (margin > 0) {
                agreeing += p.wins();
                disagreeing += p.losses();
            } else if (margin < 0) {
                agreeing += p.losses();
                disagreeing += p.wins();
            }
        }
        return new RewardModelView(n, n == 0 ? Double.NaN : predicted / n, n == 0 ? Double.NaN : first / n, agreeing,
                disagreeing, agreeing + disagreeing == 0 ? Double.NaN : (double) agreeing / (agreeing + disagreeing));
    }

    /** The same figures from the opponent's side: σ(−x) = 1 − σ(x); agreement is the same. */
    static RewardModelView flipped(RewardModelView v) {
        return new RewardModelView(v.pairs(), 1 - v.predictedWinRate(), 1 - v.rankedFirst(), v.agreeing(),
                v.disagreeing(), v.agreement());
    }

    /** The policy side's human win rate and interval, for the list page. */
    public Side policy() {
        return sides.get(0);
    }
}
