package dev.rlhf.dpo;

import dev.rlhf.ppo.ConfigFields;

import java.util.Map;

import static dev.rlhf.ppo.ConfigFields.adam;
import static dev.rlhf.ppo.ConfigFields.nonNegative;
import static dev.rlhf.ppo.ConfigFields.positive;

/**
 * Every DPO hyperparameter in one record; {@link #defaults()} follow Rafailov et al. (2023) and TRL's DPOTrainer
 * (β 0.1, the sigmoid loss, no label smoothing), with the learning rate of a small policy.
 *
 * @param beta               β: the strength of the implicit KL constraint to the reference
 * @param loss               "sigmoid" (DPO: −log σ(β·h)) or "ipo" (Azar et al., 2023: (h − 1/(2β))² on per-token
 *                           mean log-ratios), h the log-ratio margin of chosen over rejected against the reference
 * @param labelSmoothing     ε of conservative DPO: the label is flipped with probability ε (sigmoid loss only)
 * @param steps              optimizer steps
 * @param batchSize          preference pairs per optimizer step
 * @param learningRate       peak learning rate after warm-up
 * @param minLearningRate    where the cosine decay ends
 * @param warmupSteps        optimizer steps of linear warm-up
 * @param maxGradNorm        global gradient-norm clip; 0 disables it
 * @param weightDecay        AdamW decoupled weight decay on matrices
 * @param adamBeta1          AdamW β1
 * @param adamBeta2          AdamW β2
 * @param adamEps            AdamW ε
 * @param maxLength          prompt + response tokens at most; a longer prompt is shortened at a word boundary
 * @param validationFraction share of the posts held out (by post) to measure the implicit reward's accuracy
 * @param forwardBatchSize   pairs per gradient-free pass (reference log-probs, validation)
 * @param checkpointEvery    save a checkpoint every this many steps (and always at the end); 0 only at the end
 * @param seed               seeds the split and the order of the pairs
 */
public record DpoConfig(
        double beta,
        String loss,
        double labelSmoothing,
        int steps,
        int batchSize,
        double learningRate,
        double minLearningRate,
        int warmupSteps,
        double maxGradNorm,
        double weightDecay,
        double adamBeta1,
        double adamBeta2,
        double adamEps,
        int maxLength,
        double validationFraction,
        int forwardBatchSize,
        int checkpointEvery,
        long seed) {

    public DpoConfig {
        if (!(beta > 0) || Double.isInfinite(beta)) throw new IllegalArgumentException("beta must be positive, was " + beta);
        if (loss == null || !(loss.equals("sigmoid") || loss.equals("ipo"))) {
            throw new IllegalArgumentException("loss must be sigmoid or ipo, was " + loss);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 0.5), was " + labelSmoothing);
        }
        if (labelSmoothing > 0 && loss.equals("ipo")) {
            throw new IllegalArgumentException("labelSmoothing applies to the sigmoid loss only, not to ipo");
        }
        positive("steps", steps);
        positive("batchSize", batchSize);
        nonNegative("learningRate", learningRate);
        nonNegative("minLearningRate", minLearningRate);
        if (warmupSteps < 0) throw new IllegalArgumentException("warmupSteps must be ≥ 0, was " + warmupSteps);
        nonNegative("maxGradNorm", maxGradNorm);
        nonNegative("weightDecay", weightDecay);
        adam(adamBeta1, adamBeta2, adamEps);
        if (maxLength < 2) throw new IllegalArgumentException("maxLength must be at least 2, was " + maxLength);
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction must be in (0, 1), was " + validationFraction);
        }
        positive("forwardBatchSize", forwardBatchSize);
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpointEvery must be ≥ 0, was " + checkpointEvery);
    }

    public static DpoConfig defaults() {
        return new DpoConfig(
                0.1,        // beta
                "sigmoid",  // loss
                0.0,        // labelSmoothing
                1000,       // steps
                8,          // batchSize
                1e-5,       // learningRate
                1e-6,       // minLearningRate
                50,         // warmupSteps
                1.0,        // maxGradNorm
                0.0,        // weightDecay
                0.9,        // adamBeta1
                0.999,      // adamBeta2
                1e-8,       // adamEps
                512,        // maxLength
                0.1,        // validationFraction
                16,         // forwardBatchSize
                200,        // checkpointEvery
                1L);        // seed
    }

    public boolean ipo() {
        return loss.equals("ipo");
    }

    /** The field names, in declaration order. */
    public static String[] fieldNames() {
        return ConfigFields.names(DpoConfig.class);
    }

    public Map<String, Object> asMap() {
        return ConfigFields.asMap(this);
    }

    /** A copy with the fields of {@code values} (name → text) set; a bad value is refused naming its field. */
    public DpoConfig with(Map<String, String> values) {
        return ConfigFields.with(this, values, "DPO");
    }
}
