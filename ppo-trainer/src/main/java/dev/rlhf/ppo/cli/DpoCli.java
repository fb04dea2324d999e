package dev.rlhf.ppo.cli;

import ai.djl.ndarray.NDManager;
import dev.rlhf.dpo.DpoConfig;
import dev.rlhf.dpo.DpoExample;
import dev.rlhf.lm.metrics.MetricsSink;
import dev.rlhf.dpo.DpoMetrics;
import dev.rlhf.dpo.DpoTrainer;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.TrainingState;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;
import dev.rlhf.ppo.PpoModels;
import dev.rlhf.reward.BestOfN;
import dev.rlhf.reward.PostSplit;
import dev.rlhf.reward.Preference;
import dev.rlhf.reward.PreferenceBuilder;
import dev.rlhf.reward.PreferenceOptions;
import dev.rlhf.lm.formats.ComparisonReader;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs DPO from the command line:
 * <pre>
 *   DpoCli --policy SFT_DIR --comparisons comparisons.jsonl --out RUN_DIR [--fresh] [--FIELD VALUE ...]
 * </pre>
 * The comparisons (a label snapshot; best-of-4 labels as their implied pairs) are split by post into training and
 * held-out pairs; the policy and the frozen reference both start from {@code SFT_DIR}. {@code --FIELD} is any
 * {@link DpoConfig} field, in camelCase or kebab-case. Checkpoints go to {@code RUN_DIR/checkpoint-NNNNNN}, the final
 * policy to {@code RUN_DIR} as a Hugging Face directory; a run whose {@code --out} holds a checkpoint resumes from the
 * latest one (unless {@code --fresh}).
 */
public final class DpoCli {

    private DpoCli() {}

    /** The command line: the inputs, --fresh, --config and one option per DpoConfig field. */
    static TrainerOptions options() {
        return new TrainerOptions("dpo", "Direct preference optimisation of an SFT policy on labelled comparisons.", DpoConfig.defaults(), "DPO",
                "policy", "SFT policy directory (also the frozen reference)", "comparisons", "comparisons (jsonl), split by post into training and held-out pairs", "out", "run directory: checkpoints, metrics.jsonl and the final policy");
    }

    public static void main(String[] args) throws Exception {
        options().main(args, (p, out) -> run(p, out));
    }

    static DpoMetrics.Validation run(String[] args, PrintStream out) throws Exception {
        return run(options().parse(args), out);
    }

    private static DpoMetrics.Validation run(TrainerOptions.Parsed opts, PrintStream out) throws Exception {
        boolean fresh = opts.fresh();
        Path policyDir = opts.input("policy");
        Path comparisons = opts.input("comparisons");
        Path outDir = opts.input("out");
        DpoConfig config = (DpoConfig) opts.config();

        PreferenceOptions options = PreferenceOptions.defaults().withBestOfN(BestOfN.PAIRS);
        PreferenceBuilder.Result built = PreferenceBuilder.build(ComparisonReader.readAll(comparisons), options);
        PostSplit.Split<Preference> split = PostSplit.random(built.preferences(), Preference::postId,
                config.validationFraction(), config.seed());
        Tokenizer tokenizer = Tokenizers.load(policyDir);
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             CausalLm policy = HfCheckpoint.loadModel(policyDir, root);
             CausalLm reference = PpoModels.copyOf(policy, root);
             DpoTrainer trainer = new DpoTrainer(config, policy, reference, tokenizer);
             MetricsSink sink = PpoCli.sinks(out, outDir)) {
            var train = DpoExample.of(split.train(), tokenizer, config.maxLength());
            var validation = DpoExample.of(split.validation(), tokenizer, config.maxLength());
            out.printf(Locale.ROOT, "DPO on %d pairs (%d held out, %d posts), device %s%s%n", train.size(),
                    validation.size(), split.validationPosts().size(), policy.device(),
                    built.dropped().isEmpty() ? "" : "; left out " + built.dropped());
            Optional<Path> last = fresh ? Optional.empty() : TrainingState.latest(outDir);
            if (last.isPresent()) {
                trainer.resume(last.get());
                out.printf(Locale.ROOT, "resumed from %s (step %d)%n", last.get(), trainer.steps());
            }
            trainer.checkpointDir(outDir).metrics(sink);
            DpoMetrics.Validation v = trainer.train(train, validation);
            HfCheckpoint.save(outDir, policy.config(), policy.namedTensors(), Map.of(), tokenizer);
            out.printf(Locale.ROOT, "held-out pairs %d: implicit-reward accuracy %.3f, margin %.4f, loss %.4f; policy in %s%n",
                    v.pairs(), v.accuracy(), v.margin(), v.loss(), outDir);
            return v;
        } finally {
            if (tokenizer instanceof AutoCloseable c) c.close();
        }
    }
}
