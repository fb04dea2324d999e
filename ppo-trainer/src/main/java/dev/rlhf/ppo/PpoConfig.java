package dev.rlhf.ppo;

import dev.rlhf.lm.MixedPrecision;
import dev.rlhf.lm.Precision;

import java.util.Map;

import static dev.rlhf.ppo.ConfigFields.nonNegative;
import static dev.rlhf.ppo.ConfigFields.positive;
import static dev.rlhf.ppo.ConfigFields.samplingAndOptimiser;
import static dev.rlhf.ppo.ConfigFields.unit;

/**
 * Every PPO hyperparameter in one record. {@link #defaults()} are those of Stiennon et al. (2020) / Ziegler et al.
 * (2019) as reproduced by Huang et al. (2024), scaled to one machine where the paper's value depends on the cluster
 * (batch size). Every field can be set by name from text ({@link #with(String, String)}), which is what the CLI and a
 * web form use; an invalid value is refused with the field's name.
 *
 * @param iterations          PPO iterations (rollout + update) in the run
 * @param batchSize           prompts (and so responses) per iteration
 * @param minibatchSize       responses per optimizer step; must divide batchSize
 * @param ppoEpochs           passes over each batch of rollouts
 * @param responseLength      new tokens generated at most per response (the paper's ~53 for TL;DR)
 * @param maxPromptTokens     a longer prompt has its post shortened at a word boundary until it fits
 * @param temperature         sampling temperature; the training log-probs use softmax(logits / temperature) too
 * @param learningRate        AdamW peak learning rate
 * @param lrSchedule          "linear" (to 0 at the last optimizer step), "cosine" (to 0) or "constant"
 * @param adamBeta1           AdamW β1
 * @param adamBeta2           AdamW β2
 * @param adamEps             AdamW ε (1e-5, as in the reproduction)
 * @param weightDecay         AdamW decoupled weight decay on matrices
 * @param maxGradNorm         global-norm gradient clip over policy and value parameters together; 0 disables it
 * @param klCoef              β, the KL penalty coefficient (initial value when adaptive)
 * @param adaptiveKl          adapt β with Ziegler et al.'s proportional controller
 * @param klTarget            target KL (nats per response) of the adaptive controller
 * @param klHorizon           horizon (in responses) of the adaptive controller
 * @param whitenRewards       scale the per-token rewards r_t (score and KL penalty) of each batch to unit variance,
 *                            keeping their mean, before GAE (Ziegler et al.'s {@code whiten_rewards}; off as in
 *                            Stiennon et al.), see {@link PpoMath#whiten(float[][], int[], boolean)}
 * @param gamma               discount γ
 * @param lambda              GAE λ
 * @param clipRange           policy ratio clip ε
 * @param valueClipRange      value clip ε_v (around the rollout's values)
 * @param valueCoef           value-loss coefficient c_v in L = L_policy + c_v·L_value
 * @param penalizeMissingEos  give a response with no EOS within responseLength the fixed score below (the EOS trick)
 * @param missingEosPenalty   that score, replacing the reward model's
 * @param forwardBatchSize    rows per gradient-free forward pass (log-probs, values, scores)
 * @param seed                seeds prompt sampling, generation and minibatch shuffles
 * @param sampleEvery         report a table of sample responses every this many iterations; 0 never
 * @param samplesShown        rows in that table
 * @param checkpointEvery     save a checkpoint every this many iterations (and always at the end); 0 only at the end
 * @param precision           FLOAT32, or mixed precision: the passes in BFLOAT16 (FLOAT16) on working copies of the
 *                            four models, float32 master weights, AdamW moments, log-softmax and losses (see
 *                            {@link MixedPrecision})
 */
public record PpoConfig(
        int iterations,
        int batchSize,
        int minibatchSize,
        int ppoEpochs,
        int responseLength,
        int maxPromptTokens,
        double temperature,
        double learningRate,
        String lrSchedule,
        double adamBeta1,
        double adamBeta2,
        double adamEps,
        double weightDecay,
        double maxGradNorm,
        double klCoef,
        boolean adaptiveKl,
        double klTarget,
        double klHorizon,
        boolean whitenRewards,
        double gamma,
        double lambda,
        double clipRange,
        double valueClipRange,
        double valueCoef,
        boolean penalizeMissingEos,
        double missingEosPenalty,
        int forwardBatchSize,
        long seed,
        int sampleEvery,
        int samplesShown,
        int checkpointEvery,
        Precision precision) {

    public PpoConfig {
        positive("iterations", iterations);
        positive("batchSize", batchSize);
        positive("minibatchSize", minibatchSize);
        if (batchSize % minibatchSize != 0) {
            throw new IllegalArgumentException("minibatchSize (" + minibatchSize + ") must divide batchSize (" + batchSize + ")");
        }
        positive("ppoEpochs", ppoEpochs);
        samplingAndOptimiser(responseLength, maxPromptTokens, temperature, learningRate, lrSchedule,
                adamBeta1, adamBeta2, adamEps, weightDecay, maxGradNorm, klCoef);
        if (!(klTarget > 0)) throw new IllegalArgumentException("klTarget must be positive, was " + klTarget);
        if (!(klHorizon > 0)) throw new IllegalArgumentException("klHorizon must be positive, was " + klHorizon);
        unit("gamma", gamma, true);
        unit("lambda", lambda, true);
        if (!(clipRange > 0 && clipRange < 1)) throw new IllegalArgumentException("clipRange must be in (0, 1), was " + clipRange);
        if (!(valueClipRange > 0)) throw new IllegalArgumentException("valueClipRange must be positive, was " + valueClipRange);
        nonNegative("valueCoef", valueCoef);
        if (!Double.isFinite(missingEosPenalty)) {
            throw new IllegalArgumentException("missingEosPenalty must be finite, was " + missingEosPenalty);
        }
        positive("forwardBatchSize", forwardBatchSize);
        if (sampleEvery < 0) throw new IllegalArgumentException("sampleEvery must be ≥ 0, was " + sampleEvery);
        if (samplesShown < 0) throw new IllegalArgumentException("samplesShown must be ≥ 0, was " + samplesShown);
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpointEvery must be ≥ 0, was " + checkpointEvery);
        if (precision == null) throw new IllegalArgumentException("precision must be FLOAT32, BFLOAT16 or FLOAT16");
    }

    /** The paper's settings (batch size scaled down to one machine). */
    public static PpoConfig defaults() {
        return new PpoConfig(
                1000,      // iterations
                64,        // batchSize
                16,        // minibatchSize
                4,         // ppoEpochs
                53,        // responseLength
                512,       // maxPromptTokens
                0.7,       // temperature
                1e-5,      // learningRate
                "linear",  // lrSchedule
                0.9,       // adamBeta1
                0.999,     // adamBeta2
                1e-5,      // adamEps
                0.0,       // weightDecay
                1.0,       // maxGradNorm
                0.05,      // klCoef β
                false,     // adaptiveKl (Stiennon: fixed β)
                6.0,       // klTarget (Ziegler)
                10_000,    // klHorizon (Ziegler)
                false,     // whitenRewards (Ziegler: on; Stiennon: off)
                1.0,       // gamma
                0.95,      // lambda
                0.2,       // clipRange
                0.2,       // valueClipRange
                0.1,       // valueCoef
                true,      // penalizeMissingEos
                -1.0,      // missingEosPenalty
                64,        // forwardBatchSize
                1L,        // seed
                10,        // sampleEvery
                4,         // samplesShown
                50,        // checkpointEvery
                Precision.FLOAT32);
    }

    /** The minibatches (optimizer steps) per iteration. */
    public int minibatchesPerIteration() {
        return batchSize / minibatchSize;
    }

    /** Optimizer steps in the whole run (the horizon of the learning-rate decay). */
    public long totalOptimizerSteps() {
        return (long) iterations * ppoEpochs * minibatchesPerIteration();
    }

    /** The learning rate of optimizer step {@code step} (0-based). */
    public double learningRateAt(long step) {
        return decayed(lrSchedule, learningRate, step, totalOptimizerSteps());
    }

    /** lr at optimizer step {@code step} of {@code total} under "linear", "cosine" (both to 0) or "constant". */
    public static double decayed(String schedule, double lr, long step, long total) {
        double frac = Math.min(1.0, (double) step / total);
        return switch (schedule) {
            case "linear" -> lr * (1 - frac);                          // lr·(1 − s/S)
            case "cosine" -> lr * 0.5 * (1 + Math.cos(Math.PI * frac)); // lr·½(1 + cos(π·s/S))
            default -> lr;
        };
    }

    /** The field names, in declaration order. */
    public static String[] fieldNames() {
        return ConfigFields.names(PpoConfig.class);
    }

    /** Field name → value, in declaration order (for logs, checkpoints and forms). */
    public Map<String, Object> asMap() {
        return ConfigFields.asMap(this);
    }

    /**
     * A copy with the field {@code name} set from text. Numbers are parsed as the field's type, booleans accept
     * true/false. An unknown field, an unparsable value or one the validation refuses names the field.
     */
    public PpoConfig with(String name, String value) {
        return with(Map.of(name, value));
    }

    /**
     * A copy with every entry of {@code values} (field name → text) applied at once, then validated, so fields that
     * constrain each other (batchSize, minibatchSize) can change together.
     */
    public PpoConfig with(Map<String, String> values) {
        return ConfigFields.with(this, values, "PPO");
    }
}
