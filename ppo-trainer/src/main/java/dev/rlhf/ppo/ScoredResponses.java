package dev.rlhf.ppo;

import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.Sampler;
import dev.rlhf.lm.SamplingConfig;

/**
 * Responses sampled for a batch of queries and their scores, the first two steps of a PPO or RLOO iteration: the
 * responses drawn with the KV cache, then scored by the reward function; with {@code penalizeMissingEos} a response
 * with no EOS within the limit gets the fixed penalty instead (the EOS trick).
 *
 * @param generation        the sampler's result (tokens and lengths)
 * @param hasEos            whether each response ended with EOS
 * @param rawScores         the reward function's scores
 * @param scores            those scores with the penalty applied (a copy when it is not)
 * @param generationSeconds from the given start to the end of sampling
 */
public record ScoredResponses(Sampler.Result generation, boolean[] hasEos, float[] rawScores, float[] scores,
                              double generationSeconds) {

    /**
     * Samples responses to {@code queries} from {@code policy}, then scores them. {@code start} is the
     * {@link System#nanoTime()} that the generation time counts from.
     */
    public static ScoredResponses sample(CausalLm policy, int[][] queries, SamplingConfig sampling, RewardFunction reward,
                                         boolean penalizeMissingEos, double missingEosPenalty, long start) {
        Sampler.Result gen = new Sampler(policy).generate(queries, sampling);
        int rows = queries.length;
        boolean[] hasEos = gen.endedWithEos(policy.config().eos_token_id());
        int[][] finished = gen.finished();
        double generationSeconds = (System.nanoTime() - start) / 1e9;

        float[] raw = reward.score(queries, finished);
        if (raw.length != rows) throw new IllegalStateException("reward function gave " + raw.length + " scores for " + rows + " responses");
        float[] scores = penalizeMissingEos ? PpoMath.applyMissingEosPenalty(raw, hasEos, missingEosPenalty) : raw.clone();
        return new ScoredResponses(gen, hasEos, raw, scores, generationSeconds);
    }

    /** The response lengths, EOS included. */
    public int[] lengths() {
        return generation.lengths();
    }
}
