package dev.rlhf.gpu;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.Precision;
import dev.rlhf.lm.Sampler;
import dev.rlhf.lm.SamplingConfig;
import dev.rlhf.lm.ScalarHead;
import dev.rlhf.lm.SftConfig;
import dev.rlhf.lm.SftExample;
import dev.rlhf.lm.SftTrainer;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.dpo.DpoConfig;
import dev.rlhf.dpo.DpoExample;
import dev.rlhf.dpo.DpoMetrics;
import dev.rlhf.dpo.DpoTrainer;
import dev.rlhf.ppo.PpoConfig;
import dev.rlhf.rloo.RlooConfig;
import dev.rlhf.rloo.RlooMetrics;
import dev.rlhf.rloo.RlooTrainer;
import dev.rlhf.ppo.PpoMetrics;
import dev.rlhf.ppo.PpoTrainer;
import dev.rlhf.ppo.RewardModelFunction;
import dev.rlhf.ppo.ValueModel;
import dev.rlhf.reward.RewardModel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The speed half of the GPU check, for the shapes of {@code torch_ref.py} run just before on the same machine:
 * GEMM peaks (float32 and bfloat16), training tokens/s and MFU against the bf16 peak, cached sampling tokens/s and
 * one PPO iteration split into generation / scoring / update. With {@code --torch FILE} (torch_ref's JSON lines) it
 * adds ours/torch ratios. {@code --precision} (float32 by default) is the training, sampling and PPO precision:
 * bfloat16 is mixed precision (lm's {@code MixedPrecision}), to be set beside torch_ref run under autocast.
 * <pre>
 *   GpuCheck bench --device gpu|cpu --size tiny|small|xl --only gemm,train,sample,ppo,methods
 *                  [--precision float32|bfloat16] [--torch FILE] --out FILE
 * </pre>
 */
final class GpuBench {

    /** The shapes of one size, named as torch_ref.py's flags. */
    record Size(String name, int nLayer, int nHead, int nEmbd, int vocab, int ctx, int batch, int steps,
                int genBatch, int promptLen, int newTokens, int ppoPrompts, int ppoNew, int ppoEpochs, int ppoMinibatch) {

        static Size of(String name) {
            return switch (name) {
                case "tiny" -> new Size(name, 2, 2, 64, 256, 64, 4, 3, 4, 16, 8, 8, 8, 1, 4);
                case "small" -> new Size(name, 12, 12, 768, 50257, 512, 8, 10, 32, 64, 64, 64, 48, 4, 16);
                case "xl" -> new Size(name, 48, 25, 1600, 50257, 512, 8, 10, 32, 64, 64, 64, 48, 4, 16);
                default -> throw new IllegalArgumentException("size must be tiny, small or xl, was " + name);
            };
        }

        /** torch_ref.py's flags for these shapes. */
        List<String> torchFlags() {
            return List.of("--n_layer", "" + nLayer, "--n_head", "" + nHead, "--n_embd", "" + nEmbd, "--vocab", "" + vocab,
                    "--ctx", "" + ctx, "--batch", "" + batch, "--steps", "" + steps, "--gen_batch", "" + genBatch,
                    "--prompt_len", "" + promptLen, "--new_tokens", "" + newTokens, "--ppo_prompts", "" + ppoPrompts,
                    "--ppo_new", "" + ppoNew, "--ppo_epochs", "" + ppoEpochs, "--ppo_minibatch", "" + ppoMinibatch);
        }

        GPT2Config config() {
            return GPT2Config.of(vocab, 1024, nEmbd, nLayer, nHead);
        }
    }

    private final Device device;
    private final Precision precision;
    private final Size size;
    private final Map<String, Object> ours = new LinkedHashMap<>();

    private GpuBench(Device device, Size size, Precision precision) {
        precision.requireSupported();
        this.device = device;
        this.precision = precision;
        this.size = size;
    }

    static void run(Map<String, String> o) throws IOException {
        Size size = Size.of(o.getOrDefault("size", "small"));
        String only = o.getOrDefault("only", "gemm,train,sample,ppo,methods");
        if (o.containsKey("print-torch-flags")) {
            System.out.println(String.join(" ", size.torchFlags()));
            return;
        }
        Device d = GpuCheck.device(o.getOrDefault("device", "gpu"));
        GpuBench b = new GpuBench(d, size, Precision.valueOf(o.getOrDefault("precision", "float32").toUpperCase(java.util.Locale.ROOT)));
        b.ours.put("size", size.name());
        b.ours.put("precision", b.precision.name().toLowerCase(java.util.Locale.ROOT));
        b.ours.put("device", d.toString());
        b.ours.put("shapes", size.torchFlags());
        try (NDManager root = NDManager.newBaseManager(d, "PyTorch")) {
            if (only.contains("gemm")) b.gemm(root);
            if (only.contains("train")) b.train(root);
            if (only.contains("sample")) b.sample(root);
        }
        if (only.contains("ppo")) b.ppo(Integer.parseInt(o.getOrDefault("ppo-iterations", "2")));
        if (only.contains("methods")) b.methods(Integer.parseInt(o.getOrDefault("ppo-iterations", "2")));
        JsonObject result = new JsonObject();
        result.add("ours", GpuCheck.GSON.toJsonTree(b.ours));
        String torchFile = o.get("torch");
        if (torchFile != null && Files.isRegularFile(Path.of(torchFile))) {
            Map<String, Object> torch = readTorch(Path.of(torchFile));
            result.add("torch_ref", GpuCheck.GSON.toJsonTree(torch));
            Map<String, Object> ratios = ratios(b.ours, torch, b.flopsPerToken());
            result.add("ours_over_torch", GpuCheck.GSON.toJsonTree(ratios));
            System.out.println("ours/torch " + GpuCheck.GSON.toJson(ratios));
        } else {
            result.addProperty("torch_ref", "not run: " + (torchFile == null ? "no --torch file" : torchFile + " is missing"));
        }
        Files.writeString(Path.of(o.getOrDefault("out", "bench-" + size.name() + ".json")),
                GpuCheck.GSON.toJson(result) + "\n", StandardCharsets.UTF_8);
    }

    private void out(String metric, Map<String, Object> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("metric", metric);
        line.putAll(fields);
        System.out.println(GpuCheck.GSON.toJson(line));
        System.out.flush();
        ours.put(metric, fields);
    }

    /** nanoGPT's FLOPs per trained token: 6·N (without wpe) + 12·L·d·ctx. */
    private double flopsPerToken() {
        GPT2Config c = size.config();
        long n = c.parameterCount() - (long) c.n_positions() * c.n_embd();
        return 6.0 * n + 12.0 * c.n_layer() * c.n_embd() * size.ctx();
    }

    private void gemm(NDManager root) {
        // DJL 0.35.1's JNI maps no bfloat16 (the JVM aborts); the JNI the kit builds is patched to (patches/0001).
        boolean bf16Known = Boolean.getBoolean("rlhf.bf16");
        double f32 = 0, bf16 = 0;
        int tokens = size.batch() * size.ctx(), d = size.nEmbd();
        // The four GEMMs of a GPT-2 step (torch_ref's): qkv [d, 3d], MLP in [d, 4d] and out [4d, d], LM head [d, V].
        for (int[] s : new int[][] {{tokens, d, 3 * d}, {tokens, d, 4 * d}, {tokens, 4 * d, d}, {tokens, d, size.vocab()}}) {
            f32 = Math.max(f32, gflops(root, s[0], s[1], s[2], DataType.FLOAT32));
            if (bf16Known) bf16 = Math.max(bf16, gflops(root, s[0], s[1], s[2], DataType.BFLOAT16));
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("float32", GpuCheck.round(f32, 1));
        if (bf16Known) f.put("bfloat16", GpuCheck.round(bf16, 1));
        else f.put("bfloat16_note", "not measured: Maven Central's JNI has no bfloat16");
        out("gemm_peak_gflops", f);
    }

    /**
     * GFLOP/s of [m, k]·[k, n] in {@code type}, 20 timed products after 3 warm-ups. On a GPU the products queue up;
     * reading one element of the last one waits for all of them, so the interval covers the work, not its launch.
     */
    static double gflops(NDManager parent, int m, int k, int n, DataType type) {
        try (NDManager scope = parent.newSubManager()) {
            NDArray x = scope.randomNormal(new Shape(m, k)).toType(type, false);
            NDArray w = scope.randomNormal(new Shape(k, n)).toType(type, false);
            int reps = 20;
            for (int r = 0; r < 3; r++) product(scope, x, w, r == 2);
            long start = System.nanoTime();
            for (int r = 0; r < reps; r++) product(scope, x, w, r == reps - 1);
            return reps * 2.0 * m * k * n / ((System.nanoTime() - start) / 1e9) / 1e9;
        }
    }

    private static void product(NDManager scope, NDArray x, NDArray w, boolean wait) {
        try (NDManager t = scope.newSubManager()) {
            NDArray y = x.matMul(w);
            y.attach(t);
            if (wait) y.get(0, 0).toType(DataType.FLOAT32, false).getFloat();
        }
    }

    private void train(NDManager root) {
        GPT2Config config = size.config();
        int b = size.batch(), ctx = size.ctx(), steps = size.steps();
        Random r = new Random(0);
        List<SftExample> batch = new ArrayList<>();
        for (int row = 0; row < b; row++) {
            int[] seq = new int[ctx + 1];
            for (int j = 0; j <= ctx; j++) seq[j] = r.nextInt(config.vocab_size());
            batch.add(new SftExample(new int[] {seq[0]}, Arrays.copyOfRange(seq, 1, ctx + 1)));
        }
        SftConfig sft = new SftConfig(3e-4, 3e-4, 0, steps + 2, b, 1, 1.0, 0.01, 0.9, 0.999, 1e-8, 0, 0).withPrecision(precision);
        try (GPT2 model = deviceInitialised(config, root); SftTrainer trainer = new SftTrainer(model, sft)) {
            trainer.step(batch);
            trainer.step(batch);
            long start = System.nanoTime();
            double loss = 0;
            for (int s = 0; s < steps; s++) loss = trainer.step(batch).loss(); // the loss is read back: in step with the device
            double tps = (double) steps * b * ctx / ((System.nanoTime() - start) / 1e9);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("value", GpuCheck.round(tps, 1));
            f.put("model_tflops_per_s", GpuCheck.round(tps * flopsPerToken() / 1e12, 3));
            f.put("last_loss", GpuCheck.round(loss, 4));
            f.put("precision", precision.name().toLowerCase(java.util.Locale.ROOT));
            out("train_tokens_per_s", f);
        }
    }

    private void sample(NDManager root) {
        GPT2Config config = size.config();
        int b = size.genBatch(), p = size.promptLen(), n = size.newTokens();
        int[][] prompts = GpuCheck.prompts(b, p, p, config.vocab_size(), 1);
        // All new_tokens are generated: the stop id lies outside the vocabulary the random model samples from.
        GPT2Config noStop = new GPT2Config(config.vocab_size() + 1, config.n_positions(), config.n_embd(),
                config.n_layer(), config.n_head(), null, "gelu_new", 1e-5, 0.02, config.vocab_size(), config.vocab_size());
        try (GPT2 full = deviceInitialised(noStop, root);
             CausalLm model = precision.mixed() ? noStop.fromTensors(full.namedTensors(), root, precision.computeType()) : null) {
            Sampler sampler = new Sampler(model != null ? model : full);                  // a mixed run samples in its compute type
            sampler.generate(Arrays.stream(prompts).map(x -> Arrays.copyOf(x, Math.min(8, p))).toArray(int[][]::new),
                    SamplingConfig.of(4, 0.7, 0));
            double[] tps = new double[2];
            for (int c = 0; c < 2; c++) {
                long start = System.nanoTime();
                Sampler.Result res = sampler.generate(prompts, SamplingConfig.of(n, 0.7, 2), c == 0);
                tps[c] = Arrays.stream(res.lengths()).sum() / ((System.nanoTime() - start) / 1e9);
            }
            out("sample_tokens_per_s", Map.of("cached", GpuCheck.round(tps[0], 1), "uncached", GpuCheck.round(tps[1], 1),
                    "speedup", GpuCheck.round(tps[0] / tps[1], 2)));
        }
    }

    /** PPO iterations as torch_ref's: four separate random models; the last iteration is the warm figure. */
    private void ppo(int iterations) throws IOException {
        GPT2Config cfg = size.config();
        Map<String, String> c = new LinkedHashMap<>();
        c.put("iterations", "" + iterations);
        c.put("batchSize", "" + size.ppoPrompts());
        c.put("minibatchSize", "" + size.ppoMinibatch());
        c.put("ppoEpochs", "" + size.ppoEpochs());
        c.put("responseLength", "" + size.ppoNew());
        c.put("forwardBatchSize", "" + size.ppoPrompts());
        c.put("sampleEvery", "0");
        c.put("precision", precision.name());
        PpoConfig config = PpoConfig.defaults().with(c);
        List<int[]> promptIds = new ArrayList<>(List.of(GpuCheck.prompts(size.ppoPrompts(), size.promptLen(), size.promptLen(), size.vocab(), 0)));
        List<PpoMetrics> metrics = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager(device, "PyTorch");
             GPT2 policy = deviceInitialised(cfg, root);
             GPT2 reference = deviceInitialised(cfg, root);
             ValueModel value = new ValueModel(deviceInitialised(cfg, root), new ScalarHead(cfg.n_embd(), root, 3));
             RewardModel rm = new RewardModel(deviceInitialised(cfg, root), new ScalarHead(cfg.n_embd(), root, 4));
             PpoTrainer trainer = new PpoTrainer(config, policy, reference, value, new RewardModelFunction(rm, size.ppoPrompts()),
                     new ByteTokenizer(), promptIds)) {
            for (int i = 0; i < iterations; i++) {
                PpoMetrics m = trainer.step();
                metrics.add(m);
                System.out.printf(java.util.Locale.ROOT, "ppo iteration %d: total %.2f s = generation %.2f + scoring %.2f + update %.2f%n",
                        i + 1, m.seconds(), m.generationSeconds(), m.scoringSeconds(), m.updateSeconds());
            }
        }
        PpoMetrics first = metrics.get(0), last = metrics.get(metrics.size() - 1);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("total", GpuCheck.round(last.seconds(), 3));
        f.put("generation", GpuCheck.round(last.generationSeconds(), 3));
        f.put("scoring", GpuCheck.round(last.scoringSeconds(), 3));
        f.put("update", GpuCheck.round(last.updateSeconds(), 3));
        f.put("first_iteration_total", GpuCheck.round(first.seconds(), 3));
        f.put("iterations", metrics.size());
        f.put("finite", Double.isFinite(last.policyLoss()) && Double.isFinite(last.valueLoss()) && Double.isFinite(last.kl()));
        out("ppo_iteration_s", f);
    }

    /**
     * RLOO iterations on as many responses as the PPO iteration (prompts / 4 prompts × k = 4, the same epochs and
     * minibatch) and DPO steps on pairs of the same prompt and response lengths, on the device: ours only (the PyTorch
     * peer has no RLOO or DPO), written as {@code rloo_iteration_s} and {@code dpo_step_s} beside {@code ppo_iteration_s}.
     */
    private void methods(int iterations) throws IOException {
        GPT2Config cfg = size.config();
        int k = 4, prompts = Math.max(1, size.ppoPrompts() / k);
        RlooConfig rloo = RlooConfig.defaults().with(Map.of("iterations", "" + iterations, "batchSize", "" + prompts,
                "samplesPerPrompt", "" + k, "minibatchSize", "" + size.ppoMinibatch(), "epochs", "" + size.ppoEpochs(),
                "responseLength", "" + size.ppoNew(), "forwardBatchSize", "" + size.ppoPrompts()));
        List<int[]> promptIds = new ArrayList<>(List.of(GpuCheck.prompts(prompts, size.promptLen(), size.promptLen(), size.vocab(), 0)));
        double rlooLast = 0, rlooFirst = 0;
        boolean finite = true;
        try (NDManager root = NDManager.newBaseManager(device, "PyTorch");
             GPT2 policy = deviceInitialised(cfg, root);
             GPT2 reference = deviceInitialised(cfg, root);
             RewardModel rm = new RewardModel(deviceInitialised(cfg, root), new ScalarHead(cfg.n_embd(), root, 4));
             RlooTrainer trainer = new RlooTrainer(rloo, policy, reference, new RewardModelFunction(rm, size.ppoPrompts()),
                     new ByteTokenizer(), promptIds)) {
            for (int i = 0; i < iterations; i++) {
                RlooMetrics m = trainer.step();
                if (i == 0) rlooFirst = m.seconds();
                rlooLast = m.seconds();
                finite &= Double.isFinite(m.loss()) && Double.isFinite(m.kl());
                System.out.printf(java.util.Locale.ROOT, "rloo iteration %d: total %.2f s = generation %.2f + scoring %.2f + update %.2f%n",
                        i + 1, m.seconds(), m.generationSeconds(), m.scoringSeconds(), m.updateSeconds());
            }
        }
        out("rloo_iteration_s", Map.<String, Object>of("total", GpuCheck.round(rlooLast, 3), "first_iteration_total", GpuCheck.round(rlooFirst, 3),
                "responses", prompts * k, "finite", finite));
        int pairs = size.ppoMinibatch();
        DpoConfig dpo = DpoConfig.defaults().with(Map.of("steps", "" + iterations, "batchSize", "" + pairs,
                "maxLength", "" + (size.promptLen() + size.ppoNew()), "warmupSteps", "0"));
        java.util.Random rng = new java.util.Random(0);
        double dpoLast = 0, dpoFirst = 0;
        try (NDManager root = NDManager.newBaseManager(device, "PyTorch");
             GPT2 policy = deviceInitialised(cfg, root);
             GPT2 reference = deviceInitialised(cfg, root);
             DpoTrainer trainer = new DpoTrainer(dpo, policy, reference, new ByteTokenizer())) {
            for (int i = 0; i < iterations; i++) {
                List<DpoExample> batch = new ArrayList<>();
                for (int p = 0; p < pairs; p++) {
                    batch.add(new DpoExample("p" + p, tokens(rng, size.promptLen(), size.vocab()),
                            tokens(rng, size.ppoNew(), size.vocab()), tokens(rng, size.ppoNew(), size.vocab())));
                }
                long start = System.nanoTime();
                DpoMetrics m = trainer.step(batch);
                double seconds = (System.nanoTime() - start) / 1e9;
                if (i == 0) dpoFirst = seconds;
                dpoLast = seconds;
                finite &= Double.isFinite(m.loss());
                System.out.printf(java.util.Locale.ROOT, "dpo step %d: %.2f s, loss %.4f%n", i + 1, seconds, m.loss());
            }
        }
        out("dpo_step_s", Map.<String, Object>of("total", GpuCheck.round(dpoLast, 3), "first_step_total", GpuCheck.round(dpoFirst, 3),
                "pairs", pairs, "finite", finite));
    }

    private static int[] tokens(java.util.Random rng, int len, int vocab) {
        int[] t = new int[len];
        for (int j = 0; j < len; j++) t[j] = rng.nextInt(vocab - 1);       // never the EOS id (vocab − 1)
        return t;
    }

    /**
     * A GPT-2 initialised as {@code new GPT2(config, manager, seed)} does (N(0, 0.02), residual projections
     * N(0, 0.02/sqrt(2·n_layer)), LayerNorm γ 1, biases 0) but drawn by libtorch on the device: the Java draw takes
     * minutes at 1.5B parameters. Weights differ from the seeded Java ones; the benchmark needs only their scale.
     */
    static GPT2 deviceInitialised(GPT2Config config, NDManager manager) {
        double std = config.initializer_range(), residual = std / Math.sqrt(2.0 * config.n_layer());
        try (NDManager init = manager.newSubManager()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : config.tensorShapes().entrySet()) {
                String n = e.getKey();
                Shape shape = new Shape(e.getValue());
                NDArray a;
                if (n.contains("ln_") && n.endsWith(".weight")) a = init.ones(shape);
                else if (n.endsWith(".weight")) a = init.randomNormal(0f, (float) (n.endsWith("c_proj.weight") ? residual : std), shape, DataType.FLOAT32);
                else a = init.zeros(shape);
                t.put(n, a);
            }
            return GPT2.fromTensors(config, t, manager); // copies: the scratch arrays go when init closes

        }
    }

    /** torch_ref's JSON lines, keyed by metric (gemm lines folded into the peaks). */
    static Map<String, Object> readTorch(Path file) throws IOException {
        Map<String, Object> t = new LinkedHashMap<>();
        double f32 = 0, bf16 = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.startsWith("{")) continue;
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            String metric = o.has("metric") ? o.get("metric").getAsString() : "";
            switch (metric) {
                case "gemm_gflops" -> f32 = Math.max(f32, o.get("value").getAsDouble());
                case "gemm_bf16_gflops" -> bf16 = Math.max(bf16, o.get("value").getAsDouble());
                case "" -> { }
                default -> {
                    o.remove("metric");
                    t.put(metric, GpuCheck.GSON.fromJson(o, Map.class));
                }
            }
        }
        if (f32 > 0 || bf16 > 0) t.put("gemm_peak_gflops", Map.of("float32", f32, "bfloat16", bf16));
        return t;
    }

    @SuppressWarnings("unchecked")
    private static Double num(Map<String, Object> m, String metric, String field) {
        Object v = m.get(metric);
        if (!(v instanceof Map)) return null;
        Object x = ((Map<String, Object>) v).get(field);
        return x instanceof Number n ? n.doubleValue() : null;
    }

    /** ours/torch for every figure both sides have; MFU of both against the larger bf16 peak either side measured. */
    static Map<String, Object> ratios(Map<String, Object> ours, Map<String, Object> torch, double flopsPerToken) {
        Map<String, Object> r = new LinkedHashMap<>();
        Double ob = num(ours, "gemm_peak_gflops", "bfloat16"), tb = num(torch, "gemm_peak_gflops", "bfloat16");
        double peak = Math.max(ob == null ? 0 : ob, tb == null ? 0 : tb);
        ratio(r, "gemm_float32", num(ours, "gemm_peak_gflops", "float32"), num(torch, "gemm_peak_gflops", "float32"));
        ratio(r, "gemm_bfloat16", ob, tb);
        Double otr = num(ours, "train_tokens_per_s", "value"), ttr = num(torch, "train_tokens_per_s", "value");
        ratio(r, "train_tokens_per_s", otr, ttr);
        if (peak > 0) {
            r.put("bf16_peak_gflops", peak);
            if (otr != null) r.put("mfu_ours_vs_bf16_peak", GpuCheck.round(otr * flopsPerToken / 1e9 / peak, 4));
            if (ttr != null) r.put("mfu_torch_vs_bf16_peak", GpuCheck.round(ttr * flopsPerToken / 1e9 / peak, 4));
        }
        ratio(r, "sample_cached_tokens_per_s", num(ours, "sample_tokens_per_s", "cached"), num(torch, "sample_tokens_per_s", "cached"));
        ratio(r, "sample_uncached_tokens_per_s", num(ours, "sample_tokens_per_s", "uncached"), num(torch, "sample_tokens_per_s", "uncached"));
        for (String part : List.of("total", "generation", "scoring", "update")) {
            ratio(r, "ppo_" + part + "_seconds", num(ours, "ppo_iteration_s", part), num(torch, "ppo_iteration_s", part));
        }
        return r;
    }

    private static void ratio(Map<String, Object> r, String name, Double ours, Double torch) {
        if (ours == null || torch == null || torch == 0) return;
        r.put(name, Map.of("ours", ours, "torch", torch, "ratio", GpuCheck.round(ours / torch, 3)));
    }
}
