package dev.rlhf.ppo;

import dev.rlhf.lm.CausalLm;
import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.Sampler;
import dev.rlhf.lm.SamplingConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The log-probs PPO trains on are those of the distribution it sampled from: π_old is the sampler's per-token
 * log-probs, a full forward pass over query + response (left-padded prompts of different lengths, the path the
 * reference and the update take) gives the same numbers, and before the first optimizer step the ratio π_θ/π_old is 1.
 * An off-by-one between logits and tokens, a temperature applied in one place only, or position ids that do not skip
 * the padding each break one of these.
 */
class PpoLogProbConsistencyTest extends TinySftModelTest {
    /** Prompts of 1 to 6 letters then '>', so a batch holds rows with different amounts of left padding. */
    static List<int[]> mixedLengthPrompts(int n, long seed) {
        Random r = new Random(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder s = new StringBuilder();
            for (int j = 0, len = 1 + r.nextInt(6); j < len; j++) s.append(TinySetup.LETTERS.charAt(r.nextInt(8)));
            out.add(TinySetup.TOKENIZER.encode(s.append('>').toString()));
        }
        return out;
    }

    @Test
    void rolloutLogProbsAreTheSamplersAtEachTemperature() {
        for (double tau : new double[] {0.7, 1.3}) {
            PpoConfig config = TinySetup.config(1, 0.05).with("temperature", "" + tau);
            try (TinyPpo run = TinyPpo.of(config, sft, root, TinySetup.countOfA(), mixedLengthPrompts(100, 4))) {
                PpoTrainer trainer = run.trainer();
                PpoTrainer.Rollout ro = trainer.rollout(1);
                int[][] queries = trainer.promptBatch(1);
                int shortest = Integer.MAX_VALUE, longest = 0;
                for (int[] q : queries) {
                    shortest = Math.min(shortest, q.length);
                    longest = Math.max(longest, q.length);
                }
                assertTrue(longest - shortest >= 3, "prompt lengths " + shortest + ".." + longest + ": rows need left padding");

                // The same draw the rollout made: same prompts, same temperature, same seed.
                Sampler.Result gen = new Sampler(run.policy()).generate(queries,
                        SamplingConfig.of(config.responseLength(), tau, trainer.seed(1, 1)));
                assertArrayEquals(gen.lengths(), ro.lengths(), "τ " + tau);
                double worstRef = 0;
                int tokens = 0, eosRows = 0;
                for (int r = 0; r < queries.length; r++) {
                    assertArrayEquals(gen.tokens()[r], ro.responses()[r], "row " + r + ", τ " + tau);
                    assertArrayEquals(gen.logProbs()[r], ro.logProbs()[r], "log π_old is the sampler's, row " + r + ", τ " + tau);
                    for (int t = 0; t < ro.lengths()[r]; t++, tokens++) {
                        // the reference holds the same weights, through the full forward pass over query + response
                        worstRef = Math.max(worstRef, Math.abs(ro.refLogProbs()[r][t] - gen.logProbs()[r][t]));
                    }
                    if (ro.hasEos()[r]) eosRows++;
                }
                System.out.printf("τ %.1f: %d real tokens, %d rows with EOS, max |Δ log π_ref| %.2e%n",
                        tau, tokens, eosRows, worstRef);
                assertTrue(eosRows > 0, "some rows end with EOS, so its log-prob is compared too");
                assertTrue(worstRef < 2e-5, "rollout log π_ref vs the sampler's, τ " + tau + ": max difference " + worstRef);
                // a wrong position gives log-probs of other tokens: they differ by far more than the tolerance
                assertTrue(meanAbsLogProb(ro) > 0.3, "log-probs are informative: mean |log π| " + meanAbsLogProb(ro));
            }
        }
    }

    static double meanAbsLogProb(PpoTrainer.Rollout ro) {
        double s = 0;
        int n = 0;
        for (int r = 0; r < ro.lengths().length; r++) for (int t = 0; t < ro.lengths()[r]; t++, n++) s += Math.abs(ro.logProbs()[r][t]);
        return s / n;
    }

    @Test
    void firstMinibatchOfTheFirstEpochHasRatioOne() {
        PpoConfig config = TinySetup.config(1, 0.05);
        List<PpoTrainer.MinibatchStats> stats = new ArrayList<>();
        PpoMetrics m;
        try (TinyPpo run = TinyPpo.of(config, sft, root, TinySetup.countOfA(), mixedLengthPrompts(100, 4))) {
            PpoTrainer trainer = run.trainer();
            trainer.onMinibatch(stats::add);
            m = trainer.step();
        }
        assertEquals(0, m.skippedSteps(), "optimizer steps with a non-finite gradient norm");
        assertEquals(config.ppoEpochs() * config.minibatchesPerIteration(), stats.size());
        PpoTrainer.MinibatchStats first = stats.get(0), last = stats.get(stats.size() - 1);
        System.out.println("first " + first + ", last " + last);
        assertEquals(0, first.epoch());
        assertEquals(0, first.minibatch());
        assertTrue(first.approxKl() < 1e-6, "approx KL before any update: " + first.approxKl());
        assertEquals(0.0, first.clipFraction(), "clip fraction before any update");
        // the later minibatches see a policy that has moved: the observation is not 0 by construction
        assertTrue(last.approxKl() > 1e-5, "approx KL of the last minibatch: " + last.approxKl());
    }
}
