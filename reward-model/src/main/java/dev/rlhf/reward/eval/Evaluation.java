package dev.rlhf.reward.eval;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A reward model measured on held-out comparisons, for the dashboard. Every comparison counts as its implied pairs
 * (chosen ≻ each other summary; one pair for a 2-way comparison), taken in the file's order as (A, B).
 *
 * @param pairs                    pairs evaluated
 * @param accuracy                 fraction where r_chosen &gt; r_rejected
 * @param logLoss                  mean −log σ(r_chosen − r_rejected)
 * @param byConfidence             accuracy per confidence bucket: "1-3", "4-6", "7-9", "unknown"
 * @param byPolicyPair             accuracy per unordered pair of policies, "ppo vs ref" (names sorted)
 * @param byLabeler                accuracy per labeler on these pairs
 * @param calibration              ten bins of σ(r_A − r_B) against the observed frequency of A ≻ B
 * @param expectedCalibrationError Σ_b (n_b / n)·|mean predicted_b − observed_b|
 * @param labelerAgreement         each labeler's agreement with the model over all their labels (empty if not computed)
 * @param learningCurve            accuracy against training-set size (empty if not computed)
 */
public record Evaluation(long pairs, double accuracy, double logLoss, Map<String, Accuracy> byConfidence,
                         Map<String, Accuracy> byPolicyPair, Map<String, Accuracy> byLabeler,
                         List<CalibrationBin> calibration, double expectedCalibrationError,
                         Map<String, Accuracy> labelerAgreement, List<LearningCurvePoint> learningCurve) {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls()
            .serializeSpecialFloatingPointValues().create();

    public Evaluation withLabelerAgreement(Map<String, Accuracy> agreement) {
        return new Evaluation(pairs, accuracy, logLoss, byConfidence, byPolicyPair, byLabeler, calibration,
                expectedCalibrationError, agreement, learningCurve);
    }

    public Evaluation withLearningCurve(List<LearningCurvePoint> curve) {
        return new Evaluation(pairs, accuracy, logLoss, byConfidence, byPolicyPair, byLabeler, calibration,
                expectedCalibrationError, labelerAgreement, curve);
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    public static Evaluation fromJson(String json) {
        return GSON.fromJson(json, Evaluation.class);
    }

    public void write(Path file) throws IOException {
        Files.writeString(file, toJson(), StandardCharsets.UTF_8);
    }
}
