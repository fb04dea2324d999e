package dev.rlhf.gpu;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.Constants;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.LmHead;
import dev.rlhf.lm.Sampler;
import dev.rlhf.lm.SamplingConfig;
import dev.rlhf.lm.ScalarHead;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.ppo.PpoConfig;
import dev.rlhf.ppo.PpoMetrics;
import dev.rlhf.ppo.PpoTrainer;
import dev.rlhf.ppo.RewardModelFunction;
import dev.rlhf.ppo.ValueModel;
import dev.rlhf.reward.RewardModel;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The correctness half of the GPU check: on the chosen device (the GPU, or the CPU for the rehearsal), each check
 * prints one JSON line and the whole list goes to {@code --out}.
 * <pre>
 *   GpuCheck correctness --device gpu|cpu --hf DIR|none [--hf-skip-reason TEXT] --out FILE
 *   GpuCheck bench ...      (see {@link GpuBench})
 *   GpuCheck summary ...    (see {@link GpuSummary})
 * </pre>
 * Checks: {@code engine} (the device is there), {@code hf_logits} (logits of a Hugging Face {@code GPT2LMHeadModel}
 * directory equal those transformers wrote beside it), {@code kv_cache} (cached sampling gives the tokens and
 * log-probs of uncached sampling and of one uncached forward over the result), {@code cpu_vs_device} (rewards and
 * log-probs of one left-padded batch on the CPU and on the device), {@code ppo_iteration} (one PPO iteration on the
 * device, every metric finite and no skipped step).
 */
public final class GpuCheck {

    static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    private final Device device;
    private final List<JsonObject> results = new ArrayList<>();

    private GpuCheck(Device device) {
        this.device = device;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) throw new IllegalArgumentException("usage: GpuCheck correctness|bench|summary [--option value ...]");
        Map<String, String> o = options(args, 1);
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        switch (args[0]) {
            case "correctness" -> correctness(o);
            case "bench" -> GpuBench.run(o);
            case "summary" -> GpuSummary.run(o);
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    static Map<String, String> options(String[] args, int from) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = from; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("expected --name value at " + args[i]);
            o.put(args[i].substring(2), args[i + 1]);
        }
        return o;
    }

    /** The device named by {@code --device}: {@code gpu} demands one the engine sees. */
    static Device device(String name) {
        Engine engine = Engine.getEngine("PyTorch");
        System.out.printf(Locale.ROOT, "engine %s %s, GPUs seen: %d%n", engine.getEngineName(), engine.getVersion(), engine.getGpuCount());
        if (name.equals("cpu")) return Device.cpu();
        if (engine.getGpuCount() == 0) throw new IllegalStateException("--device gpu, but the engine sees no GPU");
        return Device.gpu();
    }

    private static void correctness(Map<String, String> o) throws IOException {
        Path out = Path.of(o.getOrDefault("out", "correctness.json"));
        GpuCheck c = new GpuCheck(null);
        Device d;
        try {
            d = device(o.getOrDefault("device", "gpu"));
            c.record("engine", true, Map.of("device", d.toString(), "engine_version", Engine.getEngine("PyTorch").getVersion()), null);
        } catch (RuntimeException e) {
            c.record("engine", false, Map.of(), e.toString());
            c.write(out);
            System.exit(1);
            return;
        }
        GpuCheck check = new GpuCheck(d);
        check.results.addAll(c.results);
        String hf = o.getOrDefault("hf", "none");
        if (hf.equals("none")) {
            check.skip("hf_logits", o.getOrDefault("hf-skip-reason", "no reference directory given"));
        } else {
            check.guard("hf_logits", () -> check.hfLogits(Path.of(hf)));
        }
        check.guard("kv_cache", check::kvCache);
        check.guard("cpu_vs_device", check::cpuVsDevice);
        check.guard("ppo_iteration", check::ppoIteration);
        check.write(out);
        boolean ok = check.results.stream().allMatch(r -> !r.get("status").getAsString().equals("fail"));
        System.exit(ok ? 0 : 1);
    }

    private interface Check {
        Map<String, Object> run() throws Exception;
    }

    /** Runs one check; a figure named "pass" false, or an exception, fails it. */
    private void guard(String name, Check check) {
        long start = System.nanoTime();
        try {
            Map<String, Object> figures = new LinkedHashMap<>(check.run());
            boolean pass = Boolean.TRUE.equals(figures.remove("pass"));
            figures.put("seconds", round((System.nanoTime() - start) / 1e9, 2));
            record(name, pass, figures, pass ? null : "outside tolerance");
        } catch (Exception | AssertionError e) {
            e.printStackTrace(System.out);
            record(name, false, Map.of("seconds", round((System.nanoTime() - start) / 1e9, 2)), e.toString());
        }
    }

    private void record(String name, boolean pass, Map<String, Object> figures, String error) {
        JsonObject r = new JsonObject();
        r.addProperty("check", name);
        r.addProperty("status", pass ? "pass" : "fail");
        if (device != null) r.addProperty("device", device.toString());
        JsonElement f = GSON.toJsonTree(figures);
        for (Map.Entry<String, JsonElement> e : f.getAsJsonObject().entrySet()) r.add(e.getKey(), e.getValue());
        if (error != null) r.addProperty("error", error);
        results.add(r);
        System.out.println(r);
        System.out.flush();
    }

    private void skip(String name, String reason) {
        JsonObject r = new JsonObject();
        r.addProperty("check", name);
        r.addProperty("status", "skipped");
        r.addProperty("reason", reason);
        results.add(r);
        System.out.println(r);
    }

    private void write(Path out) throws IOException {
        JsonArray a = new JsonArray();
        results.forEach(a::add);
        Files.writeString(out, GSON.toJson(a) + "\n", StandardCharsets.UTF_8);
    }

    /** Logits of the directory's model for the ids in reference.json equal those transformers wrote there. */
    private Map<String, Object> hfLogits(Path dir) throws IOException {
        JsonObject ref = JsonParser.parseString(Files.readString(dir.resolve("reference.json"))).getAsJsonObject();
        JsonArray idsJson = ref.getAsJsonArray("ids");
        int b = idsJson.size(), t = idsJson.get(0).getAsJsonArray().size();
        int[] ids = new int[b * t];
        for (int r = 0; r < b; r++) for (int j = 0; j < t; j++) ids[r * t + j] = idsJson.get(r).getAsJsonArray().get(j).getAsInt();
        JsonArray expected = ref.getAsJsonArray("logits");
        try (NDManager m = NDManager.newBaseManager(device, "PyTorch"); CausalLm model = HfCheckpoint.loadModel(dir, m)) {
            float[] got = model.logits(Constants.ints(m, ids, new Shape(b, t))).toDevice(Device.cpu(), false).toFloatArray();
            if (got.length != expected.size()) throw new IllegalStateException("logits size " + got.length + " vs reference " + expected.size());
            double maxDiff = 0, maxAbs = 0;
            for (int i = 0; i < got.length; i++) {
                double e = expected.get(i).getAsDouble();
                maxDiff = Math.max(maxDiff, Math.abs(got[i] - e));
                maxAbs = Math.max(maxAbs, Math.abs(e));
            }
            double tol = 1e-4 * Math.max(1, maxAbs);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("pass", maxDiff <= tol);
            f.put("max_abs_diff", maxDiff);
            f.put("tolerance", tol);
            f.put("transformers", ref.has("transformers") ? ref.get("transformers").getAsString() : "?");
            f.put("torch", ref.has("torch") ? ref.get("torch").getAsString() : "?");
            f.put("shape", new int[] {b, t, got.length / (b * t)});
            return f;
        }
    }

    static GPT2Config tinyConfig() {
        return GPT2Config.of(300, 128, 64, 2, 4);
    }

    /** Left-padded prompts of different lengths, never the EOS id. */
    static int[][] prompts(int rows, int minLen, int maxLen, int vocab, long seed) {
        Random r = new Random(seed);
        int[][] p = new int[rows][];
        for (int i = 0; i < rows; i++) {
            p[i] = new int[minLen + (maxLen > minLen ? r.nextInt(maxLen - minLen + 1) : 0)];
            for (int j = 0; j < p[i].length; j++) p[i][j] = r.nextInt(vocab - 1);
        }
        return p;
    }

    /**
     * Cached sampling at τ 0.7 draws the same tokens with the same log-probs as uncached sampling (the draws come
     * from one seeded Java RNG), and those log-probs equal the ones one uncached forward over prompt + response gives.
     */
    private Map<String, Object> kvCache() {
        GPT2Config cfg = tinyConfig();
        int[][] prompts = prompts(4, 3, 9, cfg.vocab_size(), 5);
        int n = 16;
        double tau = 0.7;
        try (NDManager m = NDManager.newBaseManager(device, "PyTorch"); GPT2 model = new GPT2(cfg, m, 7)) {
            Sampler s = new Sampler(model);
            Sampler.Result cached = s.generate(prompts, SamplingConfig.of(n, tau, 3), true);
            Sampler.Result uncached = s.generate(prompts, SamplingConfig.of(n, tau, 3), false);
            boolean sameTokens = java.util.Arrays.deepEquals(cached.tokens(), uncached.tokens());
            double lpDiff = 0;
            for (int r = 0; r < prompts.length; r++) {
                for (int j = 0; j < cached.lengths()[r]; j++) lpDiff = Math.max(lpDiff, Math.abs(cached.logProbs()[r][j] - uncached.logProbs()[r][j]));
            }
            // One full forward over [left padding | prompt | response]: logits at p − 1 + j predict response token j.
            int p = java.util.Arrays.stream(prompts).mapToInt(x -> x.length).max().orElseThrow();
            int b = prompts.length, total = p + n;
            int[] ids = new int[b * total], mask = new int[b * total], next = new int[b * total];
            for (int r = 0; r < b; r++) {
                int pad = p - prompts[r].length;
                java.util.Arrays.fill(ids, r * total, r * total + pad, cfg.eos_token_id());
                for (int j = 0; j < prompts[r].length; j++) {
                    ids[r * total + pad + j] = prompts[r][j];
                    mask[r * total + pad + j] = 1;
                }
                for (int j = 0; j < n; j++) {
                    ids[r * total + p + j] = cached.tokens()[r][j];
                    mask[r * total + p + j] = 1;
                }
                for (int j = 0; j + 1 < total; j++) next[r * total + j] = ids[r * total + j + 1];
            }
            double fullDiff;
            try (NDManager f = m.newSubManager()) {
                NDArray logits = model.logits(Constants.ints(f, ids, new Shape(b, total)), Constants.ints(f, mask, new Shape(b, total)), null, null);
                float[] lp = LmHead.logProbs(logits, Constants.ints(f, next, new Shape(b, total)), tau).toDevice(Device.cpu(), false).toFloatArray();
                fullDiff = 0;
                for (int r = 0; r < b; r++) {
                    for (int j = 0; j < cached.lengths()[r]; j++) {
                        fullDiff = Math.max(fullDiff, Math.abs(lp[r * total + p - 1 + j] - cached.logProbs()[r][j]));
                    }
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("pass", sameTokens && lpDiff <= 1e-4 && fullDiff <= 1e-4);
            out.put("same_tokens", sameTokens);
            out.put("max_logprob_diff_cached_vs_uncached", lpDiff);
            out.put("max_logprob_diff_cached_vs_full_forward", fullDiff);
            out.put("tolerance", 1e-4);
            out.put("rows", b);
            out.put("new_tokens", n);
            return out;
        }
    }

    /** Rewards and response log-probs of one left-padded batch, computed on the CPU and on the device. */
    private Map<String, Object> cpuVsDevice() {
        GPT2Config cfg = tinyConfig();
        int[][] rows = prompts(5, 6, 20, cfg.vocab_size(), 9);
        int b = rows.length, t = 20;
        int[] ids = new int[b * t], mask = new int[b * t], next = new int[b * t];
        for (int r = 0; r < b; r++) {
            int pad = t - rows[r].length;
            for (int j = 0; j < t; j++) {
                ids[r * t + j] = j < pad ? cfg.eos_token_id() : rows[r][j - pad];
                mask[r * t + j] = j < pad ? 0 : 1;
            }
            for (int j = 0; j + 1 < t; j++) next[r * t + j] = ids[r * t + j + 1];
        }
        float[][] reward = new float[2][], logp = new float[2][];
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu(), "PyTorch");
             GPT2 trunk = new GPT2(cfg, cpu, 11); ScalarHead head = new ScalarHead(cfg.n_embd(), cpu, 12);
             NDManager dev = NDManager.newBaseManager(device, "PyTorch")) {
            Map<String, NDArray> heads = new LinkedHashMap<>(head.namedTensors());
            GPT2 trunkOnDevice = GPT2.fromTensors(cfg, trunk.namedTensors(), dev);
            ScalarHead headOnDevice = ScalarHead.fromTensors(heads, dev);
            RewardModel[] models = {new RewardModel(trunk, head), new RewardModel(trunkOnDevice, headOnDevice)};
            NDManager[] managers = {cpu, dev};
            for (int k = 0; k < 2; k++) {
                try (NDManager s = managers[k].newSubManager()) {
                    NDArray x = Constants.ints(s, ids, new Shape(b, t)), am = Constants.ints(s, mask, new Shape(b, t));
                    reward[k] = models[k].rewards(x, am).toDevice(Device.cpu(), false).toFloatArray();
                    NDArray logits = models[k].trunk().logits(x, am, null, null);
                    logp[k] = LmHead.logProbs(logits, Constants.ints(s, next, new Shape(b, t))).toDevice(Device.cpu(), false).toFloatArray();
                }
            }
        }
        double rDiff = 0, lDiff = 0;
        for (int r = 0; r < b; r++) rDiff = Math.max(rDiff, Math.abs(reward[0][r] - reward[1][r]));
        for (int r = 0; r < b; r++) {
            for (int j = t - rows[r].length; j + 1 < t; j++) lDiff = Math.max(lDiff, Math.abs(logp[0][r * t + j] - logp[1][r * t + j]));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pass", rDiff <= 1e-4 && lDiff <= 1e-4);
        out.put("max_reward_diff", rDiff);
        out.put("max_logprob_diff", lDiff);
        out.put("tolerance", 1e-4);
        if (device.equals(Device.cpu())) out.put("note", "device is the CPU: this compares the CPU with itself");
        return out;
    }

    /** One PPO iteration of tiny models on the device: every metric finite, no optimizer step skipped. */
    private Map<String, Object> ppoIteration() throws IOException {
        GPT2Config cfg = tinyConfig();
        Map<String, String> c = new LinkedHashMap<>();
        c.put("iterations", "1");
        c.put("batchSize", "8");
        c.put("minibatchSize", "4");
        c.put("ppoEpochs", "2");
        c.put("responseLength", "12");
        c.put("forwardBatchSize", "8");
        c.put("sampleEvery", "0");
        PpoConfig config = PpoConfig.defaults().with(c);
        List<int[]> promptIds = new ArrayList<>(List.of(prompts(16, 4, 10, cfg.vocab_size(), 13)));
        try (NDManager root = NDManager.newBaseManager(device, "PyTorch");
             GPT2 policy = new GPT2(cfg, root, 1);
             GPT2 reference = new GPT2(cfg, root, 1);
             ValueModel value = new ValueModel(new GPT2(cfg, root, 3), new ScalarHead(cfg.n_embd(), root, 3));
             RewardModel rm = new RewardModel(new GPT2(cfg, root, 4), new ScalarHead(cfg.n_embd(), root, 4));
             PpoTrainer trainer = new PpoTrainer(config, policy, reference, value, new RewardModelFunction(rm, 8),
                     new ByteTokenizer(), promptIds)) {
            PpoMetrics m = trainer.step();
            Map<String, Object> out = new LinkedHashMap<>();
            boolean finite = true;
            List<String> bad = new ArrayList<>();
            for (RecordComponent rc : PpoMetrics.class.getRecordComponents()) {
                try {
                    Object v = rc.getAccessor().invoke(m);
                    if (v instanceof Double dv) {
                        out.put(rc.getName(), dv);
                        if (!Double.isFinite(dv)) {
                            finite = false;
                            bad.add(rc.getName());
                        }
                    } else {
                        out.put(rc.getName(), v);
                    }
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (!bad.isEmpty()) out.put("not_finite", bad);
            out.put("pass", finite && m.skippedSteps() == 0);
            return out;
        }
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
