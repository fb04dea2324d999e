package dev.rlhf.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.SftConfig;
import dev.rlhf.lm.SftExample;
import dev.rlhf.lm.SftTrainer;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.reward.PreferenceBuilder;
import dev.rlhf.reward.PreferenceOptions;
import dev.rlhf.reward.RewardConfig;
import dev.rlhf.reward.RewardModel;
import dev.rlhf.reward.RewardTrainer;
import dev.rlhf.reward.data.SyntheticComparisons;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Trains a few real steps of SFT, the reward model and PPO from fixed seeds and prints one line per trainer:
 * {@code NAME SHA-256-of-the-weights [skipped steps]}. {@link GcDeterminismTest} runs it in JVMs with different
 * garbage collectors and compares the lines.
 */
public final class TrainingFingerprint {

    private TrainingFingerprint() {}

    public static void main(String[] args) throws Exception {
        try (NDManager root = NDManager.newBaseManager("PyTorch")) {
            System.out.println("sft " + sft(root));
            System.out.println("reward " + reward(root));
            System.out.println("ppo " + ppo(root));
        }
    }

    static String sft(NDManager root) throws Exception {
        List<SftExample> data = TinySetup.sftData(256);
        try (GPT2 model = new GPT2(TinySetup.CONFIG, root, 11);
             SftTrainer t = new SftTrainer(model, SftConfig.defaults().withLearningRate(3e-3, 3e-4).withSteps(30, 5)
                     .withBatch(16, 1))) {
            int skipped = t.train(data).skippedSteps();
            return digest(model.namedTensors()) + " " + skipped;
        }
    }

    static String reward(NDManager root) {
        var comparisons = new SyntheticComparisons(2, 0.25, 2).generate(64, 2);
        var data = PreferenceBuilder.build(comparisons, PreferenceOptions.defaults()).preferences();
        RewardConfig config = RewardConfig.defaults().withLearningRate(1e-3, 1e-4).withBatch(16, 8);
        try (RewardModel model = RewardModel.fromScratch(GPT2Config.of(ByteTokenizer.VOCAB_SIZE, 128, 32, 2, 2), root, 9);
             RewardTrainer trainer = new RewardTrainer(model, new ByteTokenizer(), config)) {
            trainer.train(data);
            return digest(model.namedParameters());
        }
    }

    static String ppo(NDManager root) {
        try (GPT2 policy = new GPT2(TinySetup.CONFIG, root, 11);
             GPT2 reference = new GPT2(TinySetup.CONFIG, root, 11);
             ValueModel value = TinySetup.valueModel(root, 4);
             PpoTrainer trainer = new PpoTrainer(TinySetup.config(3, 0.05), policy, reference, value,
                     TinySetup.countOfA(), TinySetup.TOKENIZER, TinySetup.prompts(64, 7))) {
            int skipped = 0;
            for (int i = 0; i < 3; i++) skipped += trainer.step().skippedSteps();
            Map<String, NDArray> weights = new java.util.LinkedHashMap<>(policy.namedTensors());
            value.trunk().namedTensors().forEach((k, v) -> weights.put("value." + k, v));
            value.head().namedTensors().forEach((k, v) -> weights.put("value." + k, v));
            return digest(weights) + " " + skipped;
        }
    }

    /** SHA-256 over every tensor's float32 bits, in the map's order. */
    static String digest(Map<String, NDArray> tensors) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                sha.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                float[] f = e.getValue().toFloatArray();
                ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(f);
                sha.update(b.array());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
