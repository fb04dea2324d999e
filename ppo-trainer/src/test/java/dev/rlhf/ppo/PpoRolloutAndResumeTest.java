package dev.rlhf.ppo;

import dev.rlhf.lm.CausalLm;
import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The missing-EOS penalty on a real rollout, and resuming from a checkpoint. */
class PpoRolloutAndResumeTest extends TinySftModelTest {
    @Test
    void missingEosPenaltyHitsExactlyTheRowsWithoutEos() {
        // 5 new tokens: the SFT model writes 3–8 letters then EOS, so some rows end in time and some do not.
        PpoConfig config = TinySetup.config(1, 0.05).with("responseLength", "5").with("missingEosPenalty", "-7.5");
        RewardFunction rowIndexPlusTen = (q, r) -> {
            float[] s = new float[r.length];
            for (int i = 0; i < s.length; i++) s[i] = 10 + i;
            return s;
        };
        try (TinyPpo run = TinyPpo.of(config, sft, root, rowIndexPlusTen, TinySetup.prompts(100, 9))) {
            PpoTrainer trainer = run.trainer();
            PpoTrainer.Rollout ro = trainer.rollout(1);
            int with = 0, without = 0;
            for (int r = 0; r < ro.scores().length; r++) {
                boolean eosSeen = false;
                for (int t = 0; t < ro.lengths()[r]; t++) eosSeen |= ro.responses()[r][t] == ByteTokenizer.EOS_ID;
                assertEquals(eosSeen, ro.hasEos()[r], "row " + r);
                assertEquals(10 + r, ro.rawScores()[r]);
                assertEquals(eosSeen ? 10 + r : -7.5f, ro.scores()[r], "row " + r);
                // the (penalised) score sits on the last real token of the reward vector
                int last = ro.lengths()[r] - 1;
                float kl = -(float) (0.05 * (ro.logProbs()[r][last] - ro.refLogProbs()[r][last]));
                assertEquals(ro.scores()[r] + kl, ro.rewards()[r][last], 1e-5);
                if (eosSeen) with++; else without++;
            }
            assertTrue(with > 0 && without > 0, with + " rows with EOS, " + without + " without");
            // the penalty is off when asked
            PpoConfig off = config.with("penalizeMissingEos", "false");
            try (PpoTrainer t2 = new PpoTrainer(off, run.policy(), run.reference(), run.value(), rowIndexPlusTen, TinySetup.TOKENIZER,
                    TinySetup.prompts(100, 9))) {
                PpoTrainer.Rollout r2 = t2.rollout(1);
                for (int r = 0; r < r2.scores().length; r++) assertEquals(10 + r, r2.scores()[r]);
            }
        }
    }

    /**
     * With whitenRewards, GAE reads the batch's per-token rewards scaled to unit variance with their mean kept; the
     * rollout's rewards (and so the totalReward metric) stay the raw ones.
     */
    @Test
    void whitenedRewardsFeedGaeWithTheirMeanKept() {
        PpoConfig off = TinySetup.config(1, 0.05).with("responseLength", "5");
        PpoConfig on = off.with("whitenRewards", "true");
        RewardFunction rowIndex = (q, r) -> {
            float[] s = new float[r.length];
            for (int i = 0; i < s.length; i++) s[i] = i;
            return s;
        };
        try (CausalLm policy = PpoModels.copyOf(sft, root);
             CausalLm reference = PpoModels.copyOf(sft, root);
             ValueModel value = TinySetup.valueModel(root, 21);
             PpoTrainer plain = new PpoTrainer(off, policy, reference, value, rowIndex, TinySetup.TOKENIZER, TinySetup.prompts(100, 9));
             PpoTrainer whitened = new PpoTrainer(on, policy, reference, value, rowIndex, TinySetup.TOKENIZER, TinySetup.prompts(100, 9))) {
            PpoTrainer.Rollout a = plain.rollout(1), b = whitened.rollout(1);
            int[] len = b.lengths();
            for (int r = 0; r < len.length; r++) assertArrayEquals(a.rewards()[r], b.rewards()[r], "raw rewards, row " + r);
            float[][] w = PpoMath.whiten(b.rewards(), len, false);
            float[][] expected = PpoMath.gae(w, b.values(), len, on.gamma(), on.lambda())[1];
            float[][] unwhitened = PpoMath.gae(a.rewards(), a.values(), len, off.gamma(), off.lambda())[1];
            double differs = 0, sum = 0, whiteSum = 0, whiteSq = 0;
            long n = 0;
            for (int r = 0; r < len.length; r++) {
                assertArrayEquals(expected[r], b.returns()[r], 1e-6f, "returns from whitened rewards, row " + r);
                assertArrayEquals(unwhitened[r], a.returns()[r], 1e-6f, "returns from raw rewards, row " + r);
                for (int t = 0; t < len[r]; t++, n++) {
                    differs = Math.max(differs, Math.abs(a.returns()[r][t] - b.returns()[r][t]));
                    sum += b.rewards()[r][t];
                    whiteSum += w[r][t];
                }
            }
            for (int r = 0; r < len.length; r++) {
                for (int t = 0; t < len[r]; t++) whiteSq += (w[r][t] - whiteSum / n) * (w[r][t] - whiteSum / n);
            }
            assertTrue(differs > 0.1, "whitening changed the returns by at most " + differs);
            assertEquals(sum / n, whiteSum / n, 1e-4, "the mean is kept");
            assertEquals(1.0, whiteSq / (n - 1), 1e-4, "unit (unbiased) variance");
        }
    }

    private List<PpoMetrics> run(PpoConfig config, Path checkpoints, Path resumeFrom) throws Exception {
        List<PpoMetrics> out = new ArrayList<>();
        try (TinyPpo run = TinyPpo.of(config, sft, root, TinySetup.countOfA(), TinySetup.prompts(100, 9))) {
            PpoTrainer trainer = run.trainer();
            trainer.addListener(out::add).checkpointDir(checkpoints);
            if (resumeFrom != null) trainer.resume(resumeFrom);
            trainer.train();
        }
        return out;
    }

    @Test
    void resumedRunRepeatsTheUninterruptedOne(@TempDir Path tmp) throws Exception {
        // adaptive β so that the controller's state is part of what must survive the restart
        PpoConfig config = TinySetup.config(4, 0.05).with("checkpointEvery", "2").with("adaptiveKl", "true")
                .with("klHorizon", "100").with("lrSchedule", "linear");
        List<PpoMetrics> full = run(config, tmp.resolve("a"), null);
        assertEquals(4, full.size());
        Path ckpt = tmp.resolve("a/checkpoint-000002");
        assertTrue(Files.isRegularFile(ckpt.resolve("policy/model.safetensors")));
        assertTrue(Files.isRegularFile(ckpt.resolve("value/model.safetensors")));
        assertTrue(Files.isRegularFile(ckpt.resolve("optimizer.safetensors")));
        assertTrue(Files.isRegularFile(ckpt.resolve(PpoCheckpoint.STATE_FILE)));
        assertEquals(tmp.resolve("a/checkpoint-000004"), PpoCheckpoint.latest(tmp.resolve("a")).orElseThrow());
        assertFalse(Files.exists(tmp.resolve("a/checkpoint-000002.tmp")));

        // a second process: fresh models from the SFT weights, resumed from the checkpoint of iteration 2
        List<PpoMetrics> resumed = run(config, tmp.resolve("b"), ckpt);
        assertEquals(2, resumed.size());
        for (int i = 0; i < 2; i++) {
            PpoMetrics a = full.get(2 + i).withoutTimings(), b = resumed.get(i).withoutTimings();
            assertEquals(a.iteration(), b.iteration());
            assertEquals(a.score(), b.score(), 1e-6, "score, iteration " + a.iteration());
            assertEquals(a.kl(), b.kl(), 1e-6, "kl, iteration " + a.iteration());
            assertEquals(a.policyLoss(), b.policyLoss(), 1e-6, "policy loss, iteration " + a.iteration());
            assertEquals(a.valueLoss(), b.valueLoss(), 1e-6, "value loss, iteration " + a.iteration());
            assertEquals(a.beta(), b.beta(), 1e-12, "β, iteration " + a.iteration());
            assertEquals(a.learningRate(), b.learningRate(), 1e-15, "learning rate, iteration " + a.iteration());
            assertEquals(a.approxKl(), b.approxKl(), 1e-6);
            assertEquals(a.entropy(), b.entropy(), 1e-6);
            assertEquals(a.gradNorm(), b.gradNorm(), 1e-5);
        }
        assertTrue(full.get(3).beta() != 0.05, "β adapted");
    }

    @Test
    void nativeArraysDoNotGrowOverIterations() throws Exception {
        List<Integer> live = new ArrayList<>();
        try (TinyPpo run = TinyPpo.of(TinySetup.config(6, 0.05), sft, root, TinySetup.countOfA(), TinySetup.prompts(100, 9))) {
            PpoTrainer trainer = run.trainer();
            trainer.addListener(m -> live.add(root.getManagedArrays().size()));
            trainer.train();
        }
        // after the first iteration (which creates the AdamW moments) the count of live arrays stays the same
        assertEquals(6, live.size());
        for (int i = 2; i < live.size(); i++) assertEquals(live.get(1), live.get(i), "live native arrays " + live);
    }
}
