package dev.rlhf.ppo.cli;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.formats.TldrPost;
import dev.rlhf.lm.formats.TldrReader;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;
import dev.rlhf.ppo.PpoCheckpoint;
import dev.rlhf.ppo.PpoConfig;
import dev.rlhf.ppo.PpoListener;
import dev.rlhf.ppo.PpoMetrics;
import dev.rlhf.ppo.PpoModels;
import dev.rlhf.ppo.PpoTrainer;
import dev.rlhf.ppo.Prompts;
import dev.rlhf.ppo.RewardModelFunction;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs PPO from the command line:
 * <pre>
 *   PpoCli --policy SFT_DIR --reward-model RM_DIR --prompts posts.jsonl --out RUN_DIR [--FIELD VALUE ...]
 * </pre>
 * {@code --FIELD} is any {@link PpoConfig} field, in camelCase or kebab-case ({@code --kl-coef 0.05}). A run whose
 * {@code --out} already holds a checkpoint resumes from the latest one (unless {@code --fresh}).
 */
public final class PpoCli {

    private PpoCli() {}

    public static void main(String[] args) throws Exception {
        try {
            run(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
        }
    }

    static String usage() {
        return "usage: PpoCli --policy SFT_DIR --reward-model RM_DIR --prompts POSTS.jsonl --out RUN_DIR [--fresh]"
                + " [--FIELD VALUE ...]\n  fields (defaults): " + PpoConfig.defaults().asMap();
    }

    static void run(String[] args, PrintStream out) throws Exception {
        TrainerOptions opts = TrainerOptions.parse(args);
        if (opts.help()) {
            out.println(usage());
            return;
        }
        boolean fresh = opts.fresh();
        Path policyDir = Path.of(opts.require("policy"));
        Path rmDir = Path.of(opts.require("rewardModel"));
        Path promptsFile = Path.of(opts.require("prompts"));
        Path outDir = Path.of(opts.require("out"));
        PpoConfig config = PpoConfig.defaults().with(opts.values());

        Tokenizer tokenizer = Tokenizers.load(policyDir);
        List<TldrPost> posts = TldrReader.readAll(promptsFile);
        List<int[]> prompts = Prompts.tokenize(posts, tokenizer, config.maxPromptTokens());
        out.printf(Locale.ROOT, "%d prompts from %s; device %s%n", prompts.size(), promptsFile, Devices.best());
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             PpoModels models = PpoModels.load(policyDir, rmDir, root);
             PpoTrainer trainer = new PpoTrainer(config, models.policy(), models.reference(), models.value(),
                     new RewardModelFunction(models.rewardModel(), config.forwardBatchSize()), tokenizer, prompts)) {
            trainer.checkpointDir(outDir).addListener(new ConsoleProgress(out, config.iterations()));
            Optional<Path> last = fresh ? Optional.empty() : PpoCheckpoint.latest(outDir);
            if (last.isPresent()) {
                trainer.resume(last.get());
                out.printf(Locale.ROOT, "resumed from %s (iteration %d, β %.5f)%n", last.get(), trainer.iteration(), trainer.beta());
            }
            trainer.train();
        } finally {
            if (tokenizer instanceof AutoCloseable c) c.close();
        }
    }

    /** A progress bar redrawn every iteration, with the sample tables and checkpoints on their own lines. */
    static final class ConsoleProgress implements PpoListener {
        private final PrintStream out;
        private final int total;

        ConsoleProgress(PrintStream out, int total) {
            this.out = out;
            this.total = total;
        }

        @Override
        public void onStart(String device, PpoConfig config, int firstIteration) {
            out.printf(Locale.ROOT, "PPO on %s from iteration %d of %d%n", device, firstIteration, total);
        }

        @Override
        public void onIteration(PpoMetrics m) {
            int width = 24, filled = (int) Math.round(width * (double) m.iteration() / total);
            out.printf(Locale.ROOT, "\r[%s%s] %d/%d score %.3f kl %.2f reward %.3f ent %.2f pg %.4f vf %.4f clip %.3f"
                            + " ev %.2f len %.1f eos %.0f%% β %.4f %.0f tok/s (gen %.1fs score %.1fs update %.1fs)",
                    "#".repeat(filled), ".".repeat(width - filled), m.iteration(), total, m.score(), m.kl(),
                    m.totalReward(), m.entropy(), m.policyLoss(), m.valueLoss(), m.clipFraction(),
                    m.explainedVariance(), m.responseLength(), 100 * m.eosFraction(), m.beta(), m.tokensPerSecond(),
                    m.generationSeconds(), m.scoringSeconds(), m.updateSeconds());
            out.flush();
        }

        @Override
        public void onSamples(int iteration, List<Sample> samples) {
            out.println();
            out.printf(Locale.ROOT, "samples at iteration %d:%n", iteration);
            for (Sample s : samples) {
                String prompt = s.prompt().replace('\n', ' ');
                if (prompt.length() > 80) prompt = "…" + prompt.substring(prompt.length() - 79);
                out.printf(Locale.ROOT, "  %+.3f%s | %s | %s%n", s.score(), s.hasEos() ? "" : " (no EOS)", prompt,
                        s.response().replace('\n', ' '));
            }
        }

        @Override
        public void onCheckpoint(int iteration, Path dir) {
            out.println();
            out.println("checkpoint " + dir);
        }

        @Override
        public void onEnd(PpoMetrics last) {
            out.println();
        }
    }
}
