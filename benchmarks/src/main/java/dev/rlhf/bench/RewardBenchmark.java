package dev.rlhf.bench;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.commandline.Commands;
import dev.rlhf.lm.commandline.FlagTable;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.reward.LrShape;
import dev.rlhf.reward.Preference;
import dev.rlhf.reward.PreferenceBuilder;
import dev.rlhf.reward.PreferenceOptions;
import dev.rlhf.reward.RewardConfig;
import dev.rlhf.reward.RewardModel;
import dev.rlhf.reward.RewardProgress;
import dev.rlhf.reward.RewardTrainer;
import dev.rlhf.reward.data.SyntheticComparisons;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reward-model training throughput for a fixed config: a byte-level GPT-2 (d 128, 4 layers, 4 heads, 128
 * positions) on synthetic 2-way comparisons, batch 32 pairs (64 sequences), AdamW and clipping as in training.
 * Prints the median pairs/s and tokens/s over the timed steps (after warm-up steps), the FLOP rate they imply
 * (≈ 6·parameters per token for forward + backward, plus attention), and the float32 GEMM peak measured in the
 * same run, so the two can be compared.
 *
 * <p>Options: {@code --warmup-steps 2 --timed-steps 10}.
 */
public final class RewardBenchmark {

    static final GPT2Config MODEL = GPT2Config.of(ByteTokenizer.VOCAB_SIZE, 128, 128, 4, 4);
    static final int BATCH = 32;

    /** The options: the untimed and the timed steps. */
    public static FlagTable options() {
        return new FlagTable("bench-reward", "Reward-model training throughput (pairs/s, tokens/s, GFLOP/s) against the GEMM peak.")
                .add("warmup-steps", "2", "Untimed steps first.")
                .add("timed-steps", "10", "Timed steps; the median is reported.");
    }

    public static void main(String[] args) throws Exception {
        FlagTable options = options();
        Commands.main(options.spec(), args, parsed -> {
            java.util.Map<String, String> o = options.values(parsed);
            measure(Integer.parseInt(o.get("warmup-steps")), Integer.parseInt(o.get("timed-steps")));
        });
    }

    static void measure(int warmup, int timed) {
        int steps = warmup + timed;
        List<Preference> prefs = PreferenceBuilder.build(new SyntheticComparisons(1, 0.25, 2)
                .generate(steps * BATCH / 2, 2), PreferenceOptions.defaults()).preferences();
        RewardConfig config = RewardConfig.defaults().withLearningRate(1e-4, 1e-5).withBatch(BATCH, BATCH)
                .withSchedule(0.1, LrShape.COSINE);
        List<RewardProgress> progress = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch")) {
            // The peak at this model's own GEMM shapes (the lm benchmark's measurement), over one step's tokens.
            double gemm = 0;
            for (int[] shape : GemmPeak.modelShapes(2 * BATCH * 86, MODEL.n_embd(), MODEL.vocab_size())) {
                gemm = Math.max(gemm, GemmPeak.gflops(root, shape[0], shape[1], shape[2]));
            }
            try (RewardModel model = RewardModel.fromScratch(MODEL, root, 1);
                 RewardTrainer trainer = new RewardTrainer(model, new ByteTokenizer(), config)) {
                trainer.addListener(progress::add);
                trainer.train(prefs);
            }
            List<RewardProgress> measured = progress.subList(warmup, progress.size());
            double pairsPerS = median(measured.stream().mapToDouble(RewardProgress::pairsPerSecond).toArray());
            double tokensPerS = median(measured.stream().mapToDouble(RewardProgress::tokensPerSecond).toArray());
            double tokensPerStep = measured.stream().mapToDouble(RewardProgress::tokens).average().orElseThrow();
            // FLOPs per token ≈ 6·N (matmuls forward + backward) + 12·layers·T·d (attention scores and mixing).
            double t = tokensPerStep / (2.0 * BATCH);
            double flopsPerToken = 6.0 * MODEL.parameterCount() + 12.0 * MODEL.n_layer() * t * MODEL.n_embd();
            double achieved = tokensPerS * flopsPerToken / 1e9;
            System.out.printf(Locale.ROOT, "device %s, threads %s, model d %d, %d layers, %d heads, %,d parameters%n",
                    root.getDevice(), System.getProperty("ai.djl.pytorch.num_threads", "default"), MODEL.n_embd(),
                    MODEL.n_layer(), MODEL.n_head(), MODEL.parameterCount());
            System.out.printf(Locale.ROOT, "batch %d pairs (%d sequences, mean %.0f tokens), %d timed steps after %d warm-up%n",
                    BATCH, 2 * BATCH, t, timed, warmup);
            System.out.printf(Locale.ROOT, "training: %.1f pairs/s, %.0f tokens/s (median step), ≈ %.1f GFLOP/s%n",
                    pairsPerS, tokensPerS, achieved);
            System.out.printf(Locale.ROOT, "GEMM peak (float32, this model's shapes over a step's tokens): %.1f GFLOP/s; "
                    + "training reaches %.0f%% of it%n", gemm, 100 * achieved / gemm);
        }
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
