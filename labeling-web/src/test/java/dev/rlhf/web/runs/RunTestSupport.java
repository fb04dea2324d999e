package dev.rlhf.web.runs;

import dev.rlhf.web.models.ModelRegistry;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Helpers shared by the run tests: tiny SFT configs, waiting, and leaving the queue empty for the next test. */
final class RunTestSupport {
    private RunTestSupport() {
    }

    /** A tiny byte-level model: each step takes milliseconds on one CPU thread. */
    static String tinySft(int steps, int checkpointEvery) {
        return "{\"learningRate\": 0.003, \"minLearningRate\": 0.0003, \"warmupSteps\": 2, \"steps\": " + steps
                + ", \"batchSize\": 2, \"checkpointEvery\": " + checkpointEvery
                + ", \"nLayer\": 1, \"nHead\": 1, \"nEmbd\": 16, \"nPositions\": 320, \"maxPosts\": 8}";
    }

    /** A somewhat larger model, so a run lasts a few seconds (tens of milliseconds per step). */
    static String slowSft(int steps, int checkpointEvery) {
        return "{\"learningRate\": 0.001, \"minLearningRate\": 0.0001, \"warmupSteps\": 2, \"steps\": " + steps
                + ", \"batchSize\": 4, \"checkpointEvery\": " + checkpointEvery
                + ", \"nLayer\": 2, \"nHead\": 2, \"nEmbd\": 64, \"nPositions\": 256, \"maxPosts\": 16}";
    }

    /** A tiny registered policy (kind SFT) and reward model, both byte-level and untrained. */
    record TinyModels(long policyId, long rewardModelId) {}

    /**
     * Writes a tiny GPT-2 policy and a reward model of the same shape under {@code dir} and registers them; the engine
     * they are built on loads offline.
     */
    static TinyModels tinyPolicyAndRewardModel(ModelRegistry registry, java.nio.file.Path dir, String tag) throws java.io.IOException {
        dev.rlhf.lm.OfflineEngine.use();
        dev.rlhf.lm.tokenizer.ByteTokenizer tokenizer = new dev.rlhf.lm.tokenizer.ByteTokenizer();
        dev.rlhf.lm.GPT2Config shape = dev.rlhf.lm.GPT2Config.of(tokenizer.vocabSize(), 256, 16, 1, 1);
        java.nio.file.Path policyDir = dir.resolve("policy"), rmDir = dir.resolve("rm");
        try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            try (dev.rlhf.lm.GPT2 policy = new dev.rlhf.lm.GPT2(shape, manager, 1)) {
                dev.rlhf.lm.io.HfCheckpoint.save(policyDir, shape, policy.namedTensors(), java.util.Map.of(), tokenizer);
            }
            try (dev.rlhf.reward.RewardModel rm = dev.rlhf.reward.RewardModel.fromScratch(shape, manager, 2)) {
                rm.save(rmDir, tokenizer);
            }
        }
        return new TinyModels(registry.register(tag + "-sft", "SFT", policyDir.toString(), null, null, null, null),
                registry.register(tag + "-rm", "REWARD_MODEL", rmDir.toString(), null, null, null, null));
    }

    static RunWorker.Settings fast(RunWorkers workers, Duration lease) {
        return new RunWorker.Settings(lease, Duration.ofMillis(200), Duration.ofMillis(100), workers.settings().modelsDir());
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    /** Cancels whatever a test left queued or running, so the next test starts with an empty queue. */
    static void emptyQueue(JdbcClient jdbc) {
        jdbc.sql("UPDATE runs SET state = 'CANCELLED', finished_at = now(), lease_expires_at = NULL WHERE state IN ('QUEUED', 'RUNNING')").update();
    }
}
