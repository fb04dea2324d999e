package dev.rlhf.reward.eval;

import dev.rlhf.reward.Preference;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Computes an {@link Evaluation} from preferences and the model's rewards for their candidates. */
public final class Evaluator {

    public static final int CALIBRATION_BINS = 10;

    private Evaluator() {
    }

    /** One implied pair: (A, B) in the file's order, A the chosen one or not. */
    private record Pair(Preference source, int a, int b, double rA, double rB, boolean aChosen) {
        double delta() {
            return rA - rB;
        }

        boolean correct() {
            return aChosen ? rA > rB : rB > rA;     // a tie is wrong
        }
    }

    private static List<Pair> pairs(List<Preference> preferences, double[][] rewards) {
        if (preferences.size() != rewards.length) {
            throw new IllegalArgumentException(rewards.length + " reward rows for " + preferences.size() + " preferences");
        }
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < rewards.length; i++) {
            Preference p = preferences.get(i);
            if (rewards[i].length != p.size()) {
                throw new IllegalArgumentException("preference " + i + " has " + p.size() + " candidates but "
                        + rewards[i].length + " rewards");
            }
            for (int j = 0; j < p.size(); j++) {
                if (j == p.chosen()) continue;
                int a = Math.min(j, p.chosen()), b = Math.max(j, p.chosen());
                pairs.add(new Pair(p, a, b, rewards[i][a], rewards[i][b], a == p.chosen()));
            }
        }
        return pairs;
    }

    /** Everything but the labeler agreement and the learning curve (see {@link Evaluation}). */
    public static Evaluation evaluate(List<Preference> preferences, double[][] rewards) {
        List<Pair> pairs = pairs(preferences, rewards);
        long correct = 0;
        double logLoss = 0;
        Map<String, Accuracy> byConfidence = new TreeMap<>(), byPolicy = new TreeMap<>(), byLabeler = new TreeMap<>();
        long[] count = new long[CALIBRATION_BINS], observed = new long[CALIBRATION_BINS];
        double[] predicted = new double[CALIBRATION_BINS];
        for (Pair p : pairs) {
            boolean ok = p.correct();
            if (ok) correct++;
            double margin = p.aChosen() ? p.delta() : -p.delta();                 // r_chosen − r_rejected
            logLoss += softplus(-margin);                                          // −log σ(x) = log(1 + e^−x)
            byConfidence.merge(confidenceBucket(p.source().confidence()), Accuracy.of(ok ? 1 : 0, 1), Evaluator::sum);
            byPolicy.merge(policyPair(p.source().policies().get(p.a()), p.source().policies().get(p.b())),
                    Accuracy.of(ok ? 1 : 0, 1), Evaluator::sum);
            byLabeler.merge(labeler(p.source().worker()), Accuracy.of(ok ? 1 : 0, 1), Evaluator::sum);
            double prob = sigmoid(p.delta());                                      // P(A ≻ B) = σ(r_A − r_B)
            int bin = Math.min(CALIBRATION_BINS - 1, (int) Math.floor(prob * CALIBRATION_BINS));
            count[bin]++;
            predicted[bin] += prob;
            if (p.aChosen()) observed[bin]++;
        }
        List<CalibrationBin> bins = new ArrayList<>();
        double ece = 0;
        for (int b = 0; b < CALIBRATION_BINS; b++) {
            double lower = (double) b / CALIBRATION_BINS, upper = (double) (b + 1) / CALIBRATION_BINS;
            if (count[b] == 0) {
                bins.add(new CalibrationBin(lower, upper, 0, null, null));
                continue;
            }
            double meanPred = predicted[b] / count[b], freq = (double) observed[b] / count[b];
            bins.add(new CalibrationBin(lower, upper, count[b], meanPred, freq));
            ece += (double) count[b] / pairs.size() * Math.abs(meanPred - freq);
        }
        int n = pairs.size();
        return new Evaluation(n, n == 0 ? 0 : (double) correct / n, n == 0 ? 0 : logLoss / n, byConfidence, byPolicy,
                byLabeler, bins, ece, Map.of(), List.of());
    }

    /** Each labeler's agreement with the model: the fraction of their pairs where the model prefers what they chose. */
    public static Map<String, Accuracy> labelerAgreement(List<Preference> preferences, double[][] rewards) {
        Map<String, Accuracy> out = new TreeMap<>();
        for (Pair p : pairs(preferences, rewards)) {
            out.merge(labeler(p.source().worker()), Accuracy.of(p.correct() ? 1 : 0, 1), Evaluator::sum);
        }
        return out;
    }

    static String confidenceBucket(Integer c) {
        if (c == null) return "unknown";
        if (c <= 3) return "1-3";
        if (c <= 6) return "4-6";
        return "7-9";
    }

    static String policyPair(String a, String b) {
        String x = a == null ? "unknown" : a, y = b == null ? "unknown" : b;
        return x.compareTo(y) <= 0 ? x + " vs " + y : y + " vs " + x;
    }

    static String labeler(String worker) {
        return worker == null ? "unknown" : worker;
    }

    private static Accuracy sum(Accuracy x, Accuracy y) {
        return Accuracy.of(x.correct() + y.correct(), x.total() + y.total());
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }
}
