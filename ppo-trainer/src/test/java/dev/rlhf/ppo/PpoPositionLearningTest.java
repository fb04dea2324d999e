package dev.rlhf.ppo;

import dev.rlhf.lm.CausalLm;
import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PPO against a reward that depends on positions only: +1 when the response starts with 'a', +1 when it is exactly
 * {@value #LETTERS} letters and then EOS. A count of some byte (as in {@link PpoLearningTest}) is still learnt when the
 * log-probs are read one position off, because raising a token's probability at the neighbouring position still
 * raises its count; this reward is not: with the logits one position early the update raises EOS after three letters
 * and the first letter's probability is read from the prompt's last position, one position late it raises a letter
 * where EOS should be.
 */
class PpoPositionLearningTest {

    static final int LETTERS = 4;

    /** The two parts of the reward of one batch, recorded per call (one call per iteration). */
    record Parts(double startsWithA, double exactLength) {}

    static RewardFunction positional(List<Parts> log) {
        return (queries, responses) -> {
            float[] s = new float[responses.length];
            double a = 0, exact = 0;
            for (int r = 0; r < responses.length; r++) {
                int[] y = responses[r];
                boolean first = y.length > 0 && y[0] == 'a';
                boolean length = y.length == LETTERS + 1 && y[LETTERS] == ByteTokenizer.EOS_ID;
                s[r] = (first ? 1 : 0) + (length ? 1 : 0);
                if (first) a++;
                if (length) exact++;
            }
            log.add(new Parts(a / s.length, exact / s.length));
            return s;
        };
    }

    @Test
    void learnsWhereTheFirstLetterAndTheEosGo() throws Exception {
        long start = System.nanoTime();
        List<PpoMetrics> history = new ArrayList<>();
        List<Parts> parts = new ArrayList<>();
        int iterations = 16;
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             GPT2 sft = TinySetup.sftModel(root);
             CausalLm policy = PpoModels.copyOf(sft, root);
             CausalLm reference = PpoModels.copyOf(sft, root);
             ValueModel value = TinySetup.valueModel(root, 21);
             PpoTrainer trainer = new PpoTrainer(TinySetup.config(iterations, 0.05), policy, reference, value,
                     positional(parts), TinySetup.TOKENIZER, TinySetup.prompts(200, 9))) {
            trainer.addListener(m -> {
                history.add(m);
                Parts p = parts.get(parts.size() - 1);
                System.out.printf("it %2d score %.3f (starts with a %.2f, exactly %d letters %.2f) kl %.3f len %.2f eos %.2f skipped %d%n",
                        m.iteration(), m.score(), p.startsWithA(), LETTERS, p.exactLength(), m.kl(), m.responseLength(),
                        m.eosFraction(), m.skippedSteps());
            });
            trainer.train();
        }
        System.out.printf("%d iterations: %.1f s%n", iterations, (System.nanoTime() - start) / 1e9);

        assertEquals(iterations, history.size());
        for (PpoMetrics m : history) assertEquals(0, m.skippedSteps(), "skipped steps in iteration " + m.iteration());
        double before = history.get(0).score();
        double after = PpoLearningTest.tailMean(history, 3, PpoMetrics::score);
        Parts first = parts.get(0);
        double aAfter = parts.subList(iterations - 3, iterations).stream().mapToDouble(Parts::startsWithA).average().orElseThrow();
        double lenAfter = parts.subList(iterations - 3, iterations).stream().mapToDouble(Parts::exactLength).average().orElseThrow();
        assertTrue(after > before + 0.8, "mean score rose from " + before + " to " + after);
        assertTrue(aAfter > first.startsWithA() + 0.3, "share starting with 'a' rose from " + first.startsWithA() + " to " + aAfter);
        assertTrue(lenAfter > first.exactLength() + 0.3, "share of exactly " + LETTERS + " letters rose from "
                + first.exactLength() + " to " + lenAfter);
    }
}
