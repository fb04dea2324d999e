package dev.rlhf.web.bench;

/** The benchmark's options, for the command-line tests. */
public final class LabelingBenchmarkOptions {
    private LabelingBenchmarkOptions() {
    }

    public static dev.rlhf.lm.cli.FlagTable table() {
        return LabelingBenchmark.options();
    }
}
