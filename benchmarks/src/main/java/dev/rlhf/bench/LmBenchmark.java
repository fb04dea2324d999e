package dev.rlhf.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.GPTNeoXConfig;
import dev.rlhf.lm.LlamaConfig;
import dev.rlhf.lm.LmConfig;
import dev.rlhf.lm.Sampler;
import dev.rlhf.lm.SamplingConfig;
import dev.rlhf.lm.SftConfig;
import dev.rlhf.lm.SftExample;
import dev.rlhf.lm.SftTrainer;
import dev.rlhf.lm.commandline.Commands;
import dev.rlhf.lm.commandline.FlagTable;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Measures, as JSON lines: GEMM GFLOP/s at the model's shapes through the engine (the peak), training tokens/s with
 * MFU against that peak, and sampling tokens/s with and without the KV cache. Takes the flags of
 * {@code torch_ref.py} that apply; {@code --with-torch-ref PATH} then runs {@code /usr/bin/python3 PATH} with the same
 * configuration and prints ours/torch for each figure. {@code --family gpt2|llama|neox} picks the architecture
 * (default gpt2); a Llama has {@code --n_kv_head} key/value heads and an MLP of {@code --n_inner} (default
 * 8/3·n_embd rounded to 64), and its PyTorch peer is {@code lm/src/test/python/torch_ref_llama.py}, which also
 * takes those two flags.
 */
public final class LmBenchmark {

    private final Map<String, String> flags = new LinkedHashMap<>();
    private final Map<String, Double> ours = new LinkedHashMap<>();
    private final Gson gson = new Gson();

    /** The options, named as {@code torch_ref.py} names them ({@code n_layer} is {@code --n-layer} here). */
    public static FlagTable options() {
        return new FlagTable("bench-lm", "GEMM peak, training tokens/s with MFU and sampling tokens/s, as JSON lines.")
                .add("n_layer", "6", "Layers.")
                .add("n_head", "6", "Attention heads.")
                .add("n_embd", "384", "Embedding width.")
                .add("vocab", "256", "Vocabulary size.")
                .add("ctx", "256", "Training sequence length.")
                .add("batch", "8", "Training sequences per step.")
                .add("steps", "10", "Timed training steps.")
                .add("gen_batch", "32", "Prompts per sampling batch.")
                .add("prompt_len", "64", "Prompt tokens when sampling.")
                .add("new_tokens", "64", "New tokens per sample.")
                .add("threads", "2", "PyTorch intra-op threads.")
                .add("only", "gemm,train,sample", "Which measurements, separated by commas.")
                .add("with-torch-ref", "", "Run this torch_ref.py with the same configuration and print ours/torch.")
                .add("family", "gpt2", "Architecture: gpt2, llama or neox.")
                .add("n_kv_head", "2", "Key/value heads of a Llama.")
                .add("n_inner", "0", "MLP width of a Llama; 0: 8/3·n-embd rounded to 64.");
    }

    private LmBenchmark(Map<String, String> flags) {
        this.flags.putAll(flags);
    }

    private int i(String k) {
        return Integer.parseInt(flags.get(k));
    }

    private void out(Map<String, Object> fields) {
        System.out.println(gson.toJson(fields));
        System.out.flush();
    }

    public static void main(String[] args) throws Exception {
        FlagTable options = options();
        Commands.main(options.spec(), args, parsed -> new LmBenchmark(options.values(parsed)).start());
    }

    private void start() throws Exception {
        LmBenchmark b = this;
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.setProperty("ai.djl.pytorch.num_threads", b.flags.get("threads"));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        b.run();
    }

    private void run() throws Exception {
        String only = flags.get("only");
        LmConfig config = config(i("vocab"));
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch")) {
            double peak = only.contains("gemm") ? gemmPeak(root) : Double.NaN;
            if (only.contains("train")) train(root, config, peak);
            if (only.contains("sample")) sample(root, config);
        }
        String ref = flags.get("with-torch-ref");
        if (!ref.isEmpty()) compareWithTorch(ref);
    }

    /** The benchmarked model of {@code --family}, with {@code vocab} ids and EOS the last of them. */
    private LmConfig config(int vocab) {
        int d = i("n_embd"), layers = i("n_layer"), heads = i("n_head"), positions = Math.max(1024, i("ctx"));
        int inner = i("n_inner") > 0 ? i("n_inner") : Math.max(64, (int) Math.round(8.0 * d / 3 / 64) * 64);
        return switch (flags.get("family")) {
            case "gpt2" -> GPT2Config.of(vocab, positions, d, layers, heads);
            case "llama" -> LlamaConfig.llama(vocab, positions, d, inner, layers, heads, i("n_kv_head"));
            case "neox" -> GPTNeoXConfig.pythia(vocab, positions, d, layers, heads);
            default -> throw new IllegalArgumentException("--family must be gpt2, llama or neox, was " + flags.get("family"));
        };
    }

    /** C = A·B at the four shapes of the model, 20 timed repetitions each; the best is this machine's peak. */
    private double gemmPeak(NDManager root) {
        double best = 0;
        for (int[] s : GemmPeak.modelShapes(i("batch") * i("ctx"), i("n_embd"), i("vocab"))) {
            double g = GemmPeak.gflops(root, s[0], s[1], s[2]);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("metric", "gemm_gflops");
            o.put("shape", s);
            o.put("value", round(g, 1));
            out(o);
            ours.put("gemm_gflops " + s[0] + "x" + s[1] + "x" + s[2], g);
            best = Math.max(best, g);
        }
        ours.put("gemm_peak", best);
        return best;
    }

    /** SFT steps on random sequences: AdamW, global-norm clip 1.0, loss on every next token (as torch_ref). */
    private void train(NDManager root, LmConfig config, double peak) {
        int b = i("batch"), ctx = i("ctx"), steps = i("steps");
        Random r = new Random(0);
        List<SftExample> batch = new ArrayList<>();
        for (int row = 0; row < b; row++) {
            int[] seq = new int[ctx + 1];
            for (int j = 0; j <= ctx; j++) seq[j] = r.nextInt(config.vocab_size());
            batch.add(new SftExample(new int[] {seq[0]}, java.util.Arrays.copyOfRange(seq, 1, ctx + 1)));
        }
        SftConfig sft = new SftConfig(3e-4, 3e-4, 0, steps + 2, b, 1, 1.0, 0.01, 0.9, 0.999, 1e-8, 0, 0);
        try (CausalLm model = config.newModel(root, 0); SftTrainer trainer = new SftTrainer(model, sft)) {
            trainer.step(batch);
            trainer.step(batch);
            long start = System.nanoTime();
            double loss = 0;
            for (int s = 0; s < steps; s++) loss = trainer.step(batch).loss();
            double tps = (double) steps * b * ctx / ((System.nanoTime() - start) / 1e9);
            long n = config.parameterCount() - size(config.tensorShapes().get("wpe.weight"));  // without GPT-2's wpe
            double flops = 6.0 * n + 12.0 * config.num_hidden_layers() * config.hidden_size() * ctx; // per token
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("metric", "train_tokens_per_s");
            o.put("family", config.model_type());
            o.put("params", n);
            o.put("value", round(tps, 1));
            o.put("mfu_vs_peak", Double.isNaN(peak) ? null : round(tps * flops / 1e9 / peak, 3));
            o.put("last_loss", round(loss, 4));
            out(o);
            ours.put("train_tokens_per_s", tps);
            if (!Double.isNaN(peak)) ours.put("mfu_vs_peak", tps * flops / 1e9 / peak);
        }
    }

    /** gen_batch prompts of prompt_len random tokens, new_tokens each at temperature 0.7, with and without cache. */
    private void sample(NDManager root, LmConfig config) {
        int b = i("gen_batch"), p = i("prompt_len"), n = i("new_tokens");
        Random r = new Random(1);
        int[][] prompts = new int[b][p], short8 = new int[b][];
        for (int row = 0; row < b; row++) {
            for (int j = 0; j < p; j++) prompts[row][j] = r.nextInt(config.vocab_size() - 1); // no EOS in prompts
            short8[row] = java.util.Arrays.copyOf(prompts[row], Math.min(8, p));
        }
        // Generation runs the full new_tokens: the EOS id is outside what a random 10M model is asked to stop on.
        LmConfig noStop = config(config.vocab_size() + 1);
        try (CausalLm model = noStop.newModel(root, 0)) {
            Sampler sampler = new Sampler(model);
            sampler.generate(short8, SamplingConfig.of(4, 0.7, 0));
            double[] tps = new double[2];
            for (int c = 0; c < 2; c++) {
                long start = System.nanoTime();
                Sampler.Result res = sampler.generate(prompts, SamplingConfig.of(n, 0.7, 2), c == 0);
                long generated = java.util.Arrays.stream(res.lengths()).sum();
                tps[c] = generated / ((System.nanoTime() - start) / 1e9);
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("metric", "sample_tokens_per_s");
            o.put("cached", round(tps[0], 1));
            o.put("uncached", round(tps[1], 1));
            o.put("speedup", round(tps[0] / tps[1], 2));
            out(o);
            ours.put("sample_cached_tokens_per_s", tps[0]);
            ours.put("sample_uncached_tokens_per_s", tps[1]);
        }
    }

    /** Runs torch_ref.py with the same flags right after and prints ours/torch for each figure. */
    private void compareWithTorch(String path) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", path));
        List<String> keys = new ArrayList<>(List.of("n_layer", "n_head", "n_embd", "vocab", "ctx", "batch", "steps",
                "gen_batch", "prompt_len", "new_tokens", "threads"));
        if (flags.get("family").equals("llama")) {
            keys.add("n_kv_head");
            cmd.add("--n_inner");
            cmd.add(String.valueOf(((LlamaConfig) config(i("vocab"))).intermediate_size()));
        }
        for (String k : keys) {
            cmd.add("--" + k);
            cmd.add(flags.get(k));
        }
        cmd.add("--only");
        cmd.add(flags.get("only"));
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Map<String, Double> torch = new LinkedHashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("{")) {
                    System.err.println("torch_ref: " + line);
                    continue;
                }
                JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                o.addProperty("source", "torch_ref");
                System.out.println(o);
                switch (o.get("metric").getAsString()) {
                    case "gemm_gflops" -> {
                        var s = o.getAsJsonArray("shape");
                        String key = "gemm_gflops " + s.get(0) + "x" + s.get(1) + "x" + s.get(2);
                        double v = o.get("value").getAsDouble();
                        torch.put(key, v);
                        torch.merge("gemm_peak", v, Math::max);
                    }
                    case "train_tokens_per_s" -> {
                        torch.put("train_tokens_per_s", o.get("value").getAsDouble());
                        if (o.has("mfu_vs_peak") && !o.get("mfu_vs_peak").isJsonNull()) {
                            torch.put("mfu_vs_peak", o.get("mfu_vs_peak").getAsDouble());
                        }
                    }
                    case "sample_tokens_per_s" -> {
                        torch.put("sample_cached_tokens_per_s", o.get("cached").getAsDouble());
                        torch.put("sample_uncached_tokens_per_s", o.get("uncached").getAsDouble());
                    }
                    default -> { }
                }
            }
        }
        int rc = proc.waitFor();
        if (rc != 0) System.err.println("torch_ref exited with " + rc);
        for (Map.Entry<String, Double> e : ours.entrySet()) {
            Double t = torch.get(e.getKey());
            if (t == null) continue;
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("metric", "ratio_ours_over_torch");
            o.put("figure", e.getKey());
            o.put("ours", round(e.getValue(), 3));
            o.put("torch", t);
            o.put("ratio", round(e.getValue() / t, 3));
            out(o);
        }
    }

    private static long size(long[] shape) {
        if (shape == null) return 0;
        long n = 1;
        for (long x : shape) n *= x;
        return n;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
