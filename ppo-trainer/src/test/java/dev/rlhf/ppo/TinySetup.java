package dev.rlhf.ppo;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.ScalarHead;
import dev.rlhf.lm.SftConfig;
import dev.rlhf.lm.SftExample;
import dev.rlhf.lm.SftTrainer;
import dev.rlhf.lm.tokenizer.ByteTokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A test-sized byte-level GPT-2, briefly supervised on "xyz>" → 3–8 letters from a..h then EOS, so that it emits
 * EOS and spreads its mass over the letters. Prompts are "xyz>" with random letters.
 */
final class TinySetup {

    static final ByteTokenizer TOKENIZER = new ByteTokenizer();
    static final GPT2Config CONFIG = new GPT2Config(ByteTokenizer.VOCAB_SIZE, 32, 32, 2, 2, null, "gelu_new", 1e-5,
            0.02, ByteTokenizer.EOS_ID, ByteTokenizer.EOS_ID);
    static final String LETTERS = "abcdefgh";

    private TinySetup() {}

    static int[] prompt(Random r) {
        String s = "" + LETTERS.charAt(r.nextInt(8)) + LETTERS.charAt(r.nextInt(8)) + LETTERS.charAt(r.nextInt(8)) + ">";
        return TOKENIZER.encode(s);
    }

    static List<int[]> prompts(int n, long seed) {
        Random r = new Random(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(prompt(r));
        return out;
    }

    /** {@code n} examples "xyz>" → 3–8 letters then EOS (seeded). */
    static List<SftExample> sftData(int n) {
        Random r = new Random(5);
        List<SftExample> data = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 3 + r.nextInt(6);
            int[] completion = new int[len + 1];
            for (int j = 0; j < len; j++) completion[j] = LETTERS.charAt(r.nextInt(8));
            completion[len] = ByteTokenizer.EOS_ID;
            data.add(new SftExample(prompt(r), completion));
        }
        return data;
    }

    /** The SFT model: 120 steps of supervised training (a few seconds on the CPU). */
    static GPT2 sftModel(NDManager root) throws Exception {
        List<SftExample> data = sftData(2000);
        GPT2 model = new GPT2(CONFIG, root, 11);
        SftConfig config = SftConfig.defaults().withLearningRate(3e-3, 3e-4).withSteps(120, 10).withBatch(32, 1);
        try (SftTrainer t = new SftTrainer(model, config)) {
            t.train(data);
        }
        return model;
    }

    /** A value network for tests: a fresh trunk and head (seeded). */
    static ValueModel valueModel(NDManager root, long seed) {
        return new ValueModel(new GPT2(CONFIG, root, seed), new ScalarHead(CONFIG.n_embd(), root, seed));
    }

    /** Count of the byte 'a' in the response (EOS is not a byte). */
    static RewardFunction countOfA() {
        return (queries, responses) -> {
            float[] s = new float[responses.length];
            for (int r = 0; r < responses.length; r++) for (int t : responses[r]) if (t == 'a') s[r]++;
            return s;
        };
    }

    /** A test-sized config: batch 32, minibatch 16, 12 new tokens. */
    static PpoConfig config(int iterations, double beta) {
        return PpoConfig.defaults().with(fields("iterations", "" + iterations, "batchSize", "32", "minibatchSize", "16",
                "responseLength", "12", "learningRate", "1e-3", "lrSchedule", "constant", "klCoef", "" + beta,
                "forwardBatchSize", "32", "sampleEvery", "0", "seed", "3"));
    }

    /** Config fields as a {@code with} takes them, from name, value, name, value, ... in that order. */
    static Map<String, String> fields(String... namesAndValues) {
        Map<String, String> v = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) v.put(namesAndValues[i], namesAndValues[i + 1]);
        return v;
    }
}
