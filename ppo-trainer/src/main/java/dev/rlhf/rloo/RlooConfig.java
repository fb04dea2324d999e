package dev.rlhf.rloo;

import dev.rlhf.ppo.ConfigFields;
import dev.rlhf.ppo.PpoConfig;

import java.util.Map;

import static dev.rlhf.ppo.ConfigFields.positive;
import static dev.rlhf.ppo.ConfigFields.samplingAndOptimiser;

/**
 * Every RLOO hyperparameter in one record. {@link #defaults()} follow Ahmadian et al. (2024): k = 4 samples per
 * prompt, the KL penalty to the reference folded into the sequence reward, one pass over each batch; the sampling,
 * optimiser and EOS settings are PPO's ({@link PpoConfig#defaults()}), so the two compare on equal terms.
 *
 * @param iterations          iterations (sample + update) in the run
 * @param batchSize           prompts per iteration; each is sampled {@code samplesPerPrompt} times
 * @param samplesPerPrompt    k, the samples of one prompt whose rewards form each other's baselines (at least 2)
 * @param minibatchSize       responses per optimizer step; must divide batchSize · samplesPerPrompt
 * @param epochs              passes over each iteration's samples
 * @param objective           "reinforce" (−A·log π(y|x)) or "clipped" (PPO's clipped ratio on the sequence)
 * @param clipRange           ε of the clipped objective
 * @param responseLength      new tokens generated at most per response
 * @param maxPromptTokens     a longer prompt has its post shortened at a word boundary until it fits
 * @param temperature         sampling temperature; the log-probs use softmax(logits / temperature) too
 * @param learningRate        AdamW peak learning rate
 * @param lrSchedule          "linear", "cosine" (both to 0 at the last optimizer step) or "constant"
 * @param adamBeta1           AdamW β1
 * @param adamBeta2           AdamW β2
 * @param adamEps             AdamW ε
 * @param weightDecay         AdamW decoupled weight decay on matrices
 * @param maxGradNorm         global-norm gradient clip; 0 disables it
 * @param klCoef              β in R = score − β·Σ_t (log π − log π_ref)
 * @param penalizeMissingEos  give a response with no EOS within responseLength the fixed score below
 * @param missingEosPenalty   that score
 * @param forwardBatchSize    rows per gradient-free forward pass
 * @param seed                seeds prompt draws, sampling and minibatch shuffles
 * @param checkpointEvery     save a checkpoint every this many iterations (and always at the end); 0 only at the end
 */
public record RlooConfig(
        int iterations,
        int batchSize,
        int samplesPerPrompt,
        int minibatchSize,
        int epochs,
        String objective,
        double clipRange,
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
        boolean penalizeMissingEos,
        double missingEosPenalty,
        int forwardBatchSize,
        long seed,
        int checkpointEvery) {

    public RlooConfig {
        positive("iterations", iterations);
        positive("batchSize", batchSize);
        if (samplesPerPrompt < 2) {
            throw new IllegalArgumentException("samplesPerPrompt must be at least 2 (the leave-one-out baseline), was " + samplesPerPrompt);
        }
        positive("minibatchSize", minibatchSize);
        if ((batchSize * samplesPerPrompt) % minibatchSize != 0) {
            throw new IllegalArgumentException("minibatchSize (" + minibatchSize + ") must divide batchSize · samplesPerPrompt ("
                    + batchSize * samplesPerPrompt + ")");
        }
        positive("epochs", epochs);
        if (objective == null || !(objective.equals("reinforce") || objective.equals("clipped"))) {
            throw new IllegalArgumentException("objective must be reinforce or clipped, was " + objective);
        }
        if (!(clipRange > 0 && clipRange < 1)) throw new IllegalArgumentException("clipRange must be in (0, 1), was " + clipRange);
        samplingAndOptimiser(responseLength, maxPromptTokens, temperature, learningRate, lrSchedule,
                adamBeta1, adamBeta2, adamEps, weightDecay, maxGradNorm, klCoef);
        if (!Double.isFinite(missingEosPenalty)) {
            throw new IllegalArgumentException("missingEosPenalty must be finite, was " + missingEosPenalty);
        }
        positive("forwardBatchSize", forwardBatchSize);
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpointEvery must be ≥ 0, was " + checkpointEvery);
    }

    public static RlooConfig defaults() {
        PpoConfig ppo = PpoConfig.defaults();
        return new RlooConfig(
                ppo.iterations(),
                16,              // batchSize: 16 prompts × 4 samples = PPO's 64 responses
                4,               // samplesPerPrompt k
                ppo.minibatchSize(),
                1,               // epochs: one pass, on-policy as in the paper
                "reinforce",     // objective
                ppo.clipRange(),
                ppo.responseLength(),
                ppo.maxPromptTokens(),
                ppo.temperature(),
                ppo.learningRate(),
                ppo.lrSchedule(),
                ppo.adamBeta1(),
                ppo.adamBeta2(),
                ppo.adamEps(),
                ppo.weightDecay(),
                ppo.maxGradNorm(),
                ppo.klCoef(),
                ppo.penalizeMissingEos(),
                ppo.missingEosPenalty(),
                ppo.forwardBatchSize(),
                ppo.seed(),
                ppo.checkpointEvery());
    }

    public boolean clipped() {
        return objective.equals("clipped");
    }

    /** Responses per iteration: batchSize · samplesPerPrompt. */
    public int rows() {
        return batchSize * samplesPerPrompt;
    }

    /** Optimizer steps in the whole run (the horizon of the learning-rate decay). */
    public long totalOptimizerSteps() {
        return (long) iterations * epochs * (rows() / minibatchSize);
    }

    /** The learning rate of optimizer step {@code step} (0-based). */
    public double learningRateAt(long step) {
        return PpoConfig.decayed(lrSchedule, learningRate, step, totalOptimizerSteps());
    }

    public static String[] fieldNames() {
        return ConfigFields.names(RlooConfig.class);
    }

    public Map<String, Object> asMap() {
        return ConfigFields.asMap(this);
    }

    /** A copy with the fields of {@code values} (name → text) set; a bad value is refused naming its field. */
    public RlooConfig with(Map<String, String> values) {
        return ConfigFields.with(this, values, "RLOO");
    }
}
