package dev.rlhf.reward.eval;

import dev.rlhf.reward.Preference;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A four-comparison fixture (three pairs and one 3-way comparison, so five pairs) worked out by hand. */
class EvaluatorTest {

    static Preference pref(int chosen, String worker, Integer confidence, String... policies) {
        List<String> candidates = new java.util.ArrayList<>();
        for (int i = 0; i < policies.length; i++) candidates.add("summary " + i);
        return new Preference("p", "prompt", candidates, chosen, 1, 0, worker, confidence, Arrays.asList(policies));
    }

    static final List<Preference> PREFS = List.of(
            pref(0, "w1", 2, "ref", "ppo"),          // r = [1, 0]:    Δ = 1,  A chosen, right; P(A) = σ(1) = 0.731
            pref(1, "w1", 8, "ppo", "ref"),          // r = [0.5, 0]:  Δ = .5, B chosen, wrong; P(A) = 0.622
            pref(0, "w2", null, "sft", "ppo"),       // r = [-2, 0]:   Δ = -2, A chosen, wrong; P(A) = 0.119
            pref(1, "w2", 5, "ref", "sft", "ppo"));  // r = [0, 1, 3]: (0,1) Δ = -1 B chosen, right, P = 0.269;
                                                     //                (1,2) Δ = -2 A chosen, wrong, P = 0.119
    static final double[][] REWARDS = {{1, 0}, {0.5, 0}, {-2, 0}, {0, 1, 3}};

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void accuracyAndItsBreakdowns() {
        Evaluation e = Evaluator.evaluate(PREFS, REWARDS);
        assertEquals(5, e.pairs());
        assertEquals(0.4, e.accuracy(), 1e-12);
        assertEquals(Map.of("1-3", Accuracy.of(1, 1), "4-6", Accuracy.of(1, 2), "7-9", Accuracy.of(0, 1),
                "unknown", Accuracy.of(0, 1)), e.byConfidence());
        assertEquals(Map.of("ppo vs ref", Accuracy.of(1, 2), "ppo vs sft", Accuracy.of(0, 2),
                "ref vs sft", Accuracy.of(1, 1)), e.byPolicyPair());
        assertEquals(Map.of("w1", Accuracy.of(1, 2), "w2", Accuracy.of(1, 3)), e.byLabeler());
        assertEquals(e.byLabeler(), Evaluator.labelerAgreement(PREFS, REWARDS));
        assertEquals(0.5, e.byLabeler().get("w1").accuracy());
        double logLoss = (2 * Math.log1p(Math.exp(-1)) + Math.log1p(Math.exp(0.5)) + 2 * Math.log1p(Math.exp(2))) / 5;
        assertEquals(logLoss, e.logLoss(), 1e-12);
    }

    @Test
    void calibrationBins() {
        Evaluation e = Evaluator.evaluate(PREFS, REWARDS);
        List<CalibrationBin> bins = e.calibration();
        assertEquals(10, bins.size());
        long[] counts = bins.stream().mapToLong(CalibrationBin::count).toArray();
        assertEquals("[0, 2, 1, 0, 0, 0, 1, 1, 0, 0]", Arrays.toString(counts));
        assertEquals(sigmoid(-2), bins.get(1).meanPredicted(), 1e-12);
        assertEquals(1.0, bins.get(1).observed());            // both pairs in bin 1 had A chosen
        assertEquals(sigmoid(-1), bins.get(2).meanPredicted(), 1e-12);
        assertEquals(0.0, bins.get(2).observed());
        assertEquals(sigmoid(0.5), bins.get(6).meanPredicted(), 1e-12);
        assertEquals(0.0, bins.get(6).observed());
        assertEquals(sigmoid(1), bins.get(7).meanPredicted(), 1e-12);
        assertEquals(1.0, bins.get(7).observed());
        assertNull(bins.get(0).meanPredicted());
        assertEquals(0.1, bins.get(1).lower(), 1e-12);
        assertEquals(0.2, bins.get(1).upper(), 1e-12);
        double ece = 0.4 * (1 - sigmoid(-2)) + 0.2 * sigmoid(-1) + 0.2 * sigmoid(0.5) + 0.2 * (1 - sigmoid(1));
        assertEquals(ece, e.expectedCalibrationError(), 1e-12);
    }

    @Test
    void jsonRoundTrip() {
        Evaluation e = Evaluator.evaluate(PREFS, REWARDS).withLearningCurve(List.of(new LearningCurvePoint(10, 0.6)))
                .withLabelerAgreement(Map.of("w9", Accuracy.of(3, 4)));
        Evaluation back = Evaluation.fromJson(e.toJson());
        assertEquals(e.accuracy(), back.accuracy());
        assertEquals(e.byConfidence(), back.byConfidence());
        assertEquals(e.calibration(), back.calibration());
        assertEquals(e.learningCurve(), back.learningCurve());
        assertEquals(e.labelerAgreement(), back.labelerAgreement());
    }
}
