package dev.rlhf.ppo;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.formats.TldrPost;
import dev.rlhf.lm.metrics.MetricsSink;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A whole PPO run, in the order it happens: the policy's tokenizer turns the posts into prompts (TL;DR layout), the
 * policy, its frozen reference, the value model and the reward model are loaded, the trainer resumes from the newest
 * checkpoint in the run's directory (unless {@code fresh}), trains, and the final checkpoint's policy is the result.
 * The caller supplies the posts, the directories, the sink and a listener; the run knows nothing of where the posts
 * came from or where the model is registered (the CLI and the web worker adapt it).
 */
public final class PpoRun {

    /**
     * @param last    the last iteration's metrics (null when the run had nothing left to do)
     * @param policy  the trained policy's directory (Hugging Face layout) inside the final checkpoint
     * @param prompts how many prompts the run drew from
     */
    public record Result(PpoMetrics last, Path policy, int prompts) {}

    private PpoRun() {}

    /**
     * @param policyDir      the initial policy (an SFT model); the reference and the value model start from it too
     * @param rewardModelDir the reward model, frozen
     * @param outDir         the run's directory: checkpoints go there, and a run started again resumes from them
     * @param fresh          ignore the checkpoints already in {@code outDir}
     */
    public static Result run(PpoConfig config, Path policyDir, Path rewardModelDir, List<TldrPost> posts, Path outDir,
                             boolean fresh, MetricsSink sink, PpoListener listener) throws Exception {
        if (posts.isEmpty()) throw new IllegalArgumentException("no prompts: the prompt set holds no post");
        Tokenizer tokenizer = Tokenizers.load(policyDir);
        try {
            List<int[]> prompts = Prompts.tokenize(posts, tokenizer, config.maxPromptTokens());
            try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
                 PpoModels models = PpoModels.load(policyDir, rewardModelDir, root);
                 PpoTrainer trainer = new PpoTrainer(config, models.policy(), models.reference(), models.value(),
                         new RewardModelFunction(models.rewardModel(), config.forwardBatchSize()), tokenizer, prompts)) {
                trainer.checkpointDir(outDir).metrics(sink).addListener(listener);
                Optional<Path> last = fresh ? Optional.empty() : PpoCheckpoint.latest(outDir);
                if (last.isPresent()) {
                    trainer.resume(last.get());
                    sink.text(String.format(Locale.ROOT, "resumed from %s (iteration %d, β %.5f)", last.get(),
                            trainer.iteration(), trainer.beta()));
                }
                PpoMetrics end = trainer.train();
                Path finalCheckpoint = PpoCheckpoint.latest(outDir)
                        .orElseThrow(() -> new IllegalStateException("no final checkpoint in " + outDir));
                return new Result(end, finalCheckpoint.resolve(PpoCheckpoint.POLICY_DIR).toAbsolutePath(), prompts.size());
            }
        } finally {
            if (tokenizer instanceof AutoCloseable c) c.close();
        }
    }
}
