package dev.rlhf.lm;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar: {@code [#####.....] 50/100 loss 1.234 lr 3.0e-04 812 tok/s}, redrawn with '\r'. */
public final class ConsoleProgressBar implements TrainingListener {

    private static final int WIDTH = 30;
    private final PrintStream out;

    public ConsoleProgressBar() {
        this(System.out);
    }

    public ConsoleProgressBar(PrintStream out) {
        this.out = out;
    }

    static String line(Progress p) {
        int filled = (int) Math.round(WIDTH * (double) p.step() / p.totalSteps());
        return String.format(Locale.ROOT, "[%s%s] %d/%d loss %.4f lr %.1e %.0f tok/s",
                "#".repeat(filled), ".".repeat(WIDTH - filled), p.step(), p.totalSteps(), p.loss(),
                p.learningRate(), p.tokensPerSecond())
                + (p.skippedSteps() > 0 ? " skipped " + p.skippedSteps() + " non-finite steps" : "");
    }

    @Override
    public void onStep(Progress p) {
        out.print("\r" + line(p));
        out.flush();
    }

    @Override
    public void onEnd(Progress last) {
        out.println();
    }
}
