package dev.rlhf.ppo.cli;

import dev.rlhf.lm.Devices;
import dev.rlhf.lm.formats.TldrPost;
import dev.rlhf.lm.formats.TldrReader;
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

        List<TldrPost> posts = TldrReader.readAll(promptsFile);
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
    static final class SampleTables implements PpoListener {
        private final MetricsSink sink;
        private final int total;

        SampleTables(MetricsSink sink, int total) {
            this.sink = sink;
            this.total = total;
        }

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
