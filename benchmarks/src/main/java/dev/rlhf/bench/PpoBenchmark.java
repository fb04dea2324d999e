package dev.rlhf.bench;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.ScalarHead;
import dev.rlhf.ppo.PpoConfig;
import dev.rlhf.ppo.PpoMetrics;
import dev.rlhf.ppo.PpoTrainer;
import dev.rlhf.ppo.RewardModelFunction;
import dev.rlhf.ppo.ValueModel;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.reward.RewardModel;

import dev.rlhf.lm.commandline.FlagTable;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Seconds per PPO iteration, split into generation, scoring and update, for the configuration of
 * {@code torch_ref.py --only ppo}: 64 prompts of 64 tokens, 48 new tokens, 4 epochs, minibatch 16, GPT-2 with
 * n_layer 6, n_head 6, n_embd 384, vocab 256, four separate models (policy, reference, value, reward), random weights.
 * <pre>
 *   PpoBenchmark [--iterations 3] [--prompts 64] [--new 48] [--epochs 4] [--minibatch 16] [--prompt-len 64]
 *                [--n-layer 6] [--n-head 6] [--n-embd 384] [--vocab 256] [--with-torch-ref PATH]
 * </pre>
 * With {@code --with-torch-ref}, runs {@code /usr/bin/python3 PATH --only ppo} with the same configuration and prints
 * ours/torch ratios of the times (below 1: we are faster) and of tokens/s (above 1: we are faster).
 */
public final class PpoBenchmark {

    private PpoBenchmark() {}

    /** The options, with the defaults of {@code torch_ref.py --only ppo}. */
    public static FlagTable options() {
        return new FlagTable("bench-ppo", "Seconds per PPO iteration, split into generation, scoring and update.")
                .add("iterations", "3", "Timed PPO iterations.")
                .add("prompts", "64", "Prompts per iteration.")
                .add("new", "48", "New tokens per response.")
                .add("epochs", "4", "PPO epochs per batch.")
                .add("minibatch", "16", "Responses per optimizer step.")
                .add("prompt-len", "64", "Prompt tokens.")
                .add("n-layer", "6", "Layers of each model.")
                .add("n-head", "6", "Attention heads.")
                .add("n-embd", "384", "Embedding width.")
                .add("vocab", "256", "Vocabulary size.")
                .add("with-torch-ref", null, "Run this torch_ref.py --only ppo with the same configuration and print ours/torch.");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options().parseOrExit(args);
        String torchRef = o.get("with-torch-ref");
        int iterations = Integer.parseInt(o.get("iterations")), prompts = Integer.parseInt(o.get("prompts"));
        int newTokens = Integer.parseInt(o.get("new")), promptLen = Integer.parseInt(o.get("prompt-len"));
        int vocab = Integer.parseInt(o.get("vocab")), nEmbd = Integer.parseInt(o.get("n-embd"));
        GPT2Config cfg = GPT2Config.of(vocab, 1024, nEmbd, Integer.parseInt(o.get("n-layer")),
                Integer.parseInt(o.get("n-head")));
        Map<String, String> c = new LinkedHashMap<>();
        c.put("iterations", "" + iterations);
        c.put("batchSize", "" + prompts);
        c.put("minibatchSize", o.get("minibatch"));
        c.put("ppoEpochs", o.get("epochs"));
        c.put("responseLength", "" + newTokens);
        c.put("forwardBatchSize", "" + prompts);
        c.put("sampleEvery", "0");
        PpoConfig config = PpoConfig.defaults().with(c);

        Random rng = new Random(0);
        List<int[]> promptIds = new ArrayList<>();
        for (int i = 0; i < prompts; i++) {
            int[] p = new int[promptLen];
            for (int j = 0; j < promptLen; j++) p[j] = rng.nextInt(vocab - 1); // never the EOS id (vocab − 1)
            promptIds.add(p);
        }
        System.out.printf(Locale.ROOT, "device %s; %s; %s%n", Devices.best(), cfg, o);
        List<PpoMetrics> metrics = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             GPT2 policy = new GPT2(cfg, root, 1);
             GPT2 reference = new GPT2(cfg, root, 2);
             ValueModel value = new ValueModel(new GPT2(cfg, root, 3), new ScalarHead(nEmbd, root, 3));
             RewardModel rm = new RewardModel(new GPT2(cfg, root, 4), new ScalarHead(nEmbd, root, 4));
             PpoTrainer trainer = new PpoTrainer(config, policy, reference, value, new RewardModelFunction(rm, prompts),
                     new ByteTokenizer(), promptIds)) {
            trainer.addListener(m -> {
                metrics.add(m);
                System.out.printf(Locale.ROOT, "iteration %d: total %.2f s = generation %.2f + scoring %.2f + update %.2f;"
                                + " %.0f tokens/s (%d×%d token slots)%n", m.iteration(), m.seconds(), m.generationSeconds(),
                        m.scoringSeconds(), m.updateSeconds(), prompts * newTokens / m.seconds(), prompts, newTokens);
            });
            trainer.train();
        }
        PpoMetrics first = metrics.get(0);
        double[] warm = {0, 0, 0, 0};
        List<PpoMetrics> later = metrics.size() > 1 ? metrics.subList(1, metrics.size()) : metrics;
        for (PpoMetrics m : later) {
            warm[0] += m.seconds() / later.size();
            warm[1] += m.generationSeconds() / later.size();
            warm[2] += m.scoringSeconds() / later.size();
            warm[3] += m.updateSeconds() / later.size();
        }
        double slots = prompts * newTokens;
        System.out.printf(Locale.ROOT, "ours, first iteration: total %.2f s (generation %.2f, scoring %.2f, update %.2f), %.0f tokens/s%n",
                first.seconds(), first.generationSeconds(), first.scoringSeconds(), first.updateSeconds(), slots / first.seconds());
        System.out.printf(Locale.ROOT, "ours, mean of iterations 2..%d: total %.2f s (generation %.2f, scoring %.2f, update %.2f), %.0f tokens/s%n",
                metrics.size(), warm[0], warm[1], warm[2], warm[3], slots / warm[0]);
        if (torchRef == null) return;

        List<String> cmd = List.of("/usr/bin/python3", torchRef, "--only", "ppo", "--ppo_prompts", "" + prompts,
                "--ppo_new", "" + newTokens, "--ppo_epochs", o.get("epochs"), "--ppo_minibatch", o.get("minibatch"),
                "--prompt_len", "" + promptLen, "--n_layer", o.get("n-layer"), "--n_head", o.get("n-head"),
                "--n_embd", "" + nEmbd, "--vocab", "" + vocab);
        System.out.println("running " + String.join(" ", cmd));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        JsonObject t = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                System.out.println("torch: " + line);
                if (line.startsWith("{") && line.contains("ppo_iteration_s")) t = JsonParser.parseString(line).getAsJsonObject();
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || t == null) throw new IllegalStateException("torch reference exited with " + rc + " and no ppo_iteration_s line");
        double tt = t.get("total").getAsDouble(), tg = t.get("generation").getAsDouble();
        double ts = t.get("scoring").getAsDouble(), tu = t.get("update").getAsDouble();
        System.out.printf(Locale.ROOT, "torch (one cold iteration): total %.2f s (generation %.2f, scoring %.2f, update %.2f), %.0f tokens/s%n",
                tt, tg, ts, tu, slots / tt);
        System.out.printf(Locale.ROOT, "ours/torch time, first iteration: total %.2f, generation %.2f, scoring %.2f, update %.2f; tokens/s ratio %.2f%n",
                first.seconds() / tt, first.generationSeconds() / tg, first.scoringSeconds() / ts, first.updateSeconds() / tu, tt / first.seconds());
        System.out.printf(Locale.ROOT, "ours/torch time, warm mean: total %.2f, generation %.2f, scoring %.2f, update %.2f; tokens/s ratio %.2f%n",
                warm[0] / tt, warm[1] / tg, warm[2] / ts, warm[3] / tu, tt / warm[0]);
    }
}
