package dev.rlhf.reward;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line bar: {@code [#####.....] 50/100 loss 0.612 acc 0.70 lr 1.0e-04 812 pairs/s 41k tok/s}, redrawn with '\r'. */
public final class RewardProgressBar implements RewardProgressListener {

    private static final int WIDTH = 30;
    private static final double SMOOTHING = 0.9;
    private final PrintStream out;
    private double loss = Double.NaN, accuracy = Double.NaN;

    public RewardProgressBar(PrintStream out) {
        this.out = out;
    }

    /** The line for {@code p}, with loss and accuracy as exponential moving averages (factor 0.9). */
    String line(RewardProgress p) {
        loss = Double.isNaN(loss) ? p.loss() : SMOOTHING * loss + (1 - SMOOTHING) * p.loss();
        accuracy = Double.isNaN(accuracy) ? p.accuracy() : SMOOTHING * accuracy + (1 - SMOOTHING) * p.accuracy();
        int filled = (int) Math.round(WIDTH * (double) p.step() / p.totalSteps());
        return String.format(Locale.ROOT, "[%s%s] %d/%d epoch %d loss %.4f acc %.3f lr %.1e %.0f pairs/s %.0f tok/s",
                "#".repeat(filled), ".".repeat(WIDTH - filled), p.step(), p.totalSteps(), p.epoch(), loss, accuracy,
                p.learningRate(), p.pairsPerSecond(), p.tokensPerSecond());
    }

    @Override
    public void onStep(RewardProgress p) {
        out.print("\r" + line(p));
        out.flush();
    }

    @Override
    public void onEnd(RewardProgress last) {
        out.println();
    }
}
