package dev.rlhf.ppo.cli;

import dev.rlhf.lm.Devices;
import dev.rlhf.lm.formats.TldrPost;
import dev.rlhf.ppo.PpoConfig;
import dev.rlhf.ppo.PpoListener;
import dev.rlhf.lm.metrics.ConsoleSink;
import dev.rlhf.lm.metrics.JsonlSink;
import dev.rlhf.lm.metrics.MetricsSink;
import dev.rlhf.ppo.PpoMetrics;
import dev.rlhf.ppo.PpoRun;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

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

    /** The command line: the inputs, --fresh, --config and one option per PpoConfig field. */
    static TrainerOptions options() {
        return TrainerOptions.againstRewardModel("ppo", "Proximal policy optimisation of an SFT policy against a reward model.",
                PpoConfig.defaults(), "PPO");
    }

    public static void main(String[] args) throws Exception {
        options().main(args, (p, out) -> run(p, out));
    }

    static void run(String[] args, PrintStream out) throws Exception {
        run(options().parse(args), out);
    }

    private static void run(TrainerOptions.Parsed opts, PrintStream out) throws Exception {
        boolean fresh = opts.fresh();
        Path policyDir = opts.input("policy");
        Path rmDir = opts.input("reward-model");
        Path promptsFile = opts.input("prompts");
        Path outDir = opts.input("out");
        PpoConfig config = (PpoConfig) opts.config();

        List<TldrPost> posts = opts.prompts();
        out.printf(Locale.ROOT, "%d prompts from %s; device %s%n", posts.size(), promptsFile, Devices.best());
        try (MetricsSink sink = sinks(out, outDir)) {
            PpoRun.Result result = PpoRun.run(config, policyDir, rmDir, posts, outDir, fresh, sink,
                    new SampleTables(sink, config.iterations()));
            out.printf(Locale.ROOT, "policy: %s%n", result.policy());
        }
    }

    /** The console (one bar, plain lines when {@code out} is not a terminal) and {@code outDir/metrics.jsonl}. */
    static MetricsSink sinks(PrintStream out, Path outDir) {
        return MetricsSink.fanOut(new ConsoleSink(out, out == System.out && ConsoleSink.onTerminal()),
                JsonlSink.in(outDir));
    }

    /** The start line and the sample tables, on their own lines beside the sink's progress bar. */
    record SampleTables(MetricsSink sink, int total) implements PpoListener {
        @Override
        public void onStart(String device, PpoConfig config, int firstIteration) {
            sink.text(String.format(Locale.ROOT, "PPO on %s from iteration %d of %d", device, firstIteration, total));
        }

        @Override
        public void onIteration(PpoMetrics m) {
            // the metrics go to the sink
        }

        @Override
        public void onSamples(int iteration, List<Sample> samples) {
            sink.text(String.format(Locale.ROOT, "samples at iteration %d:", iteration));
            for (Sample s : samples) {
                String prompt = s.prompt().replace('\n', ' ');
                if (prompt.length() > 80) prompt = "…" + prompt.substring(prompt.length() - 79);
                sink.text(String.format(Locale.ROOT, "  %+.3f%s | %s | %s", s.score(), s.hasEos() ? "" : " (no EOS)", prompt,
                        s.response().replace('\n', ' ')));
            }
        }
    }
}
