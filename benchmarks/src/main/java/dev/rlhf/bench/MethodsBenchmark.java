package dev.rlhf.bench;

import ai.djl.ndarray.NDManager;
import dev.rlhf.dpo.DpoConfig;
import dev.rlhf.dpo.DpoExample;
import dev.rlhf.dpo.DpoMetrics;
import dev.rlhf.dpo.DpoTrainer;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.ScalarHead;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.ppo.PpoConfig;
import dev.rlhf.ppo.PpoMetrics;
import dev.rlhf.ppo.PpoTrainer;
import dev.rlhf.ppo.RewardModelFunction;
import dev.rlhf.ppo.ValueModel;
import dev.rlhf.reward.RewardModel;
import dev.rlhf.rloo.RlooConfig;
import dev.rlhf.rloo.RlooMetrics;
import dev.rlhf.rloo.RlooTrainer;

import dev.rlhf.lm.commandline.FlagTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * PPO, RLOO and DPO side by side on one model shape, measured in one run: seconds per PPO iteration and per RLOO
 * iteration on the same number of responses (PPO: {@code prompts} prompts; RLOO: prompts / k prompts × k samples),
 * and per DPO optimizer step on {@code pairs} pairs of the same prompt and response lengths; each as a ratio to the
 * PPO iteration, and per response token. Random weights, random token prompts, warm means after the first call.
 * <pre>
 *   MethodsBenchmark [--iterations 3] [--prompts 64] [--k 4] [--new 48] [--prompt-len 64] [--epochs 4]
 *                    [--minibatch 16] [--pairs 16] [--n-layer 6] [--n-head 6] [--n-embd 384] [--vocab 256]
 * </pre>
 */
public final class MethodsBenchmark {

    private MethodsBenchmark() {}

    /** The options: the shape of the runs compared. */
    public static FlagTable options() {
        return new FlagTable("bench-methods", "PPO, RLOO and DPO side by side on one model shape: seconds per iteration or step.")
                .add("iterations", "3", "Timed iterations (DPO: steps).")
                .add("prompts", "64", "Responses per iteration (RLOO: prompts / k prompts × k samples).")
                .add("k", "4", "RLOO samples per prompt.")
                .add("new", "48", "New tokens per response.")
                .add("prompt-len", "64", "Prompt tokens.")
                .add("epochs", "4", "Epochs per batch (PPO, RLOO).")
                .add("minibatch", "16", "Responses per optimizer step.")
                .add("pairs", "16", "DPO pairs per step.")
                .add("n-layer", "6", "Layers.")
                .add("n-head", "6", "Attention heads.")
                .add("n-embd", "384", "Embedding width.")
                .add("vocab", "256", "Vocabulary size.");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options().parseOrExit(args);
        int iterations = num(o, "iterations"), prompts = num(o, "prompts"), k = num(o, "k"), n = num(o, "new");
        int promptLen = num(o, "prompt-len"), vocab = num(o, "vocab"), nEmbd = num(o, "n-embd"), pairs = num(o, "pairs");
        GPT2Config cfg = GPT2Config.of(vocab, 1024, nEmbd, num(o, "n-layer"), num(o, "n-head"));
        Random rng = new Random(0);
        List<int[]> promptIds = new ArrayList<>();
        for (int i = 0; i < prompts; i++) promptIds.add(tokens(rng, promptLen, vocab));
        System.out.printf(Locale.ROOT, "device %s; %s; %s%n", Devices.best(), cfg, o);

        PpoConfig ppo = PpoConfig.defaults().with(Map.of("iterations", "" + iterations, "batchSize", "" + prompts,
                "minibatchSize", o.get("minibatch"), "ppoEpochs", o.get("epochs"), "responseLength", "" + n,
                "forwardBatchSize", "" + prompts, "sampleEvery", "0"));
        RlooConfig rloo = RlooConfig.defaults().with(Map.of("iterations", "" + iterations, "batchSize", "" + prompts / k,
                "samplesPerPrompt", "" + k, "minibatchSize", o.get("minibatch"), "epochs", o.get("epochs"),
                "responseLength", "" + n, "forwardBatchSize", "" + prompts));
        DpoConfig dpo = DpoConfig.defaults().with(Map.of("steps", "" + iterations, "batchSize", "" + pairs,
                "maxLength", "" + (promptLen + n), "warmupSteps", "0"));
        List<DpoExample> examples = new ArrayList<>();
        for (int i = 0; i < pairs * iterations; i++) {
            examples.add(new DpoExample("p" + i, tokens(rng, promptLen, vocab), tokens(rng, n, vocab), tokens(rng, n, vocab)));
        }

        List<Double> ppoSeconds = new ArrayList<>(), rlooSeconds = new ArrayList<>(), dpoSeconds = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch")) {
            try (GPT2 policy = new GPT2(cfg, root, 1); GPT2 reference = new GPT2(cfg, root, 2);
                 ValueModel value = new ValueModel(new GPT2(cfg, root, 3), new ScalarHead(nEmbd, root, 3));
                 RewardModel rm = new RewardModel(new GPT2(cfg, root, 4), new ScalarHead(nEmbd, root, 4));
                 PpoTrainer t = new PpoTrainer(ppo, policy, reference, value, new RewardModelFunction(rm, prompts),
                         new ByteTokenizer(), promptIds)) {
                t.addListener((PpoMetrics m) -> report("PPO iteration", m.iteration(), m.seconds(), ppoSeconds, m.generationSeconds(),
                        m.scoringSeconds(), m.updateSeconds()));
                t.train();
            }
            try (GPT2 policy = new GPT2(cfg, root, 1); GPT2 reference = new GPT2(cfg, root, 2);
                 RewardModel rm = new RewardModel(new GPT2(cfg, root, 4), new ScalarHead(nEmbd, root, 4));
                 RlooTrainer t = new RlooTrainer(rloo, policy, reference, new RewardModelFunction(rm, prompts),
                         new ByteTokenizer(), promptIds)) {
                t.addListener((RlooMetrics m) -> report("RLOO iteration", m.iteration(), m.seconds(), rlooSeconds, m.generationSeconds(),
                        m.scoringSeconds(), m.updateSeconds()));
                t.train();
            }
            try (GPT2 policy = new GPT2(cfg, root, 1); GPT2 reference = new GPT2(cfg, root, 2);
                 DpoTrainer t = new DpoTrainer(dpo, policy, reference, new ByteTokenizer())) {
                for (int s = 0; s < iterations; s++) {
                    long start = System.nanoTime();
                    DpoMetrics m = t.step(examples.subList(s * pairs, (s + 1) * pairs));
                    report("DPO step", m.step(), (System.nanoTime() - start) / 1e9, dpoSeconds);
                }
            }
        }
        double p = warm(ppoSeconds), r = warm(rlooSeconds), d = warm(dpoSeconds);
        System.out.printf(Locale.ROOT, "warm means: PPO iteration %.2f s (%d responses), RLOO iteration %.2f s (%d responses),"
                + " DPO step %.2f s (%d pairs)%n", p, prompts, r, (prompts / k) * k, d, pairs);
        System.out.printf(Locale.ROOT, "ratios to the PPO iteration: RLOO iteration %.2f, DPO step %.2f;"
                        + " per response: PPO %.1f ms, RLOO %.1f ms, DPO %.1f ms (per pair, two responses)%n",
                r / p, d / p, 1000 * p / prompts, 1000 * r / ((prompts / k) * k), 1000 * d / pairs);
    }

    private static void report(String what, int i, double seconds, List<Double> into) {
        into.add(seconds);
        System.out.printf(Locale.ROOT, "%s %d: %.2f s%n", what, i, seconds);
    }

    private static void report(String what, int i, double seconds, List<Double> into, double generation, double scoring,
                               double update) {
        into.add(seconds);
        System.out.printf(Locale.ROOT, "%s %d: %.2f s = generation %.2f + scoring %.2f + update %.2f%n", what, i, seconds,
                generation, scoring, update);
    }

    /** Mean after the first (warm-up) measurement; the only one when there is one. */
    private static double warm(List<Double> s) {
        List<Double> later = s.size() > 1 ? s.subList(1, s.size()) : s;
        return later.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    private static int[] tokens(Random rng, int len, int vocab) {
        int[] t = new int[len];
        for (int j = 0; j < len; j++) t[j] = rng.nextInt(vocab - 1);       // never the EOS id (vocab − 1)
        return t;
    }

    private static int num(Map<String, String> o, String k) {
        return Integer.parseInt(o.get(k));
    }
}
