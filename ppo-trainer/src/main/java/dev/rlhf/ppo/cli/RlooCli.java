package dev.rlhf.ppo.cli;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.TrainingState;
import dev.rlhf.lm.formats.TldrReader;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;
import dev.rlhf.ppo.PpoModels;
import dev.rlhf.ppo.Prompts;
import dev.rlhf.ppo.RewardModelFunction;
import dev.rlhf.reward.RewardModel;
import dev.rlhf.rloo.RlooConfig;
import dev.rlhf.lm.metrics.MetricsSink;
import dev.rlhf.rloo.RlooMetrics;
import dev.rlhf.rloo.RlooTrainer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs RLOO from the command line:
 * <pre>
 *   RlooCli --policy SFT_DIR --reward-model RM_DIR --prompts posts.jsonl --out RUN_DIR [--fresh] [--FIELD VALUE ...]
 * </pre>
 * {@code --FIELD} is any {@link RlooConfig} field, in camelCase or kebab-case. Checkpoints (each a Hugging Face policy
 * directory) go to {@code RUN_DIR/checkpoint-NNNNNN}; a run whose {@code --out} holds one resumes from the latest
 * (unless {@code --fresh}).
 */
public final class RlooCli {

    private RlooCli() {}

    /** The command line: the inputs, --fresh, --config and one option per RlooConfig field. */
    static TrainerOptions options() {
        return TrainerOptions.againstRewardModel("rloo", "REINFORCE leave-one-out (RLOO) of an SFT policy against a reward model.",
                RlooConfig.defaults(), "RLOO");
    }

    public static void main(String[] args) throws Exception {
        options().main(args, (p, out) -> run(p, out));
    }

    static RlooMetrics run(String[] args, PrintStream out) throws Exception {
        return run(options().parse(args), out);
    }

    private static RlooMetrics run(TrainerOptions.Parsed opts, PrintStream out) throws Exception {
        boolean fresh = opts.fresh();
        Path policyDir = opts.input("policy");
        Path rmDir = opts.input("reward-model");
        Path promptsFile = opts.input("prompts");
        Path outDir = opts.input("out");
        RlooConfig config = (RlooConfig) opts.config();

        Tokenizer tokenizer = Tokenizers.load(policyDir);
        List<int[]> prompts = Prompts.tokenize(opts.prompts(), tokenizer, config.maxPromptTokens());
        out.printf(Locale.ROOT, "%d prompts from %s; device %s%n", prompts.size(), promptsFile, Devices.best());
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             CausalLm policy = HfCheckpoint.loadModel(policyDir, root);
             CausalLm reference = PpoModels.copyOf(policy, root);
             RewardModel rm = RewardModel.load(rmDir, root);
             RlooTrainer trainer = new RlooTrainer(config, policy, reference,
                     new RewardModelFunction(rm, config.forwardBatchSize()), tokenizer, prompts);
             MetricsSink sink = PpoCli.sinks(out, outDir)) {
            if (rm.trunk().config().vocab_size() != policy.config().vocab_size()) {
                throw new IllegalArgumentException("reward model " + rmDir + " has vocab_size " + rm.trunk().config().vocab_size()
                        + " but the policy has " + policy.config().vocab_size() + ": they must share a tokenizer");
            }
            Optional<Path> last = fresh ? Optional.empty() : TrainingState.latest(outDir);
            if (last.isPresent()) {
                trainer.resume(last.get());
                out.printf(Locale.ROOT, "resumed from %s (iteration %d)%n", last.get(), trainer.iteration());
            }
            trainer.checkpointDir(outDir).metrics(sink);
            return trainer.train();
        } finally {
            if (tokenizer instanceof AutoCloseable c) c.close();
        }
    }
}
