package dev.rlhf.lm.metrics;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * One progress bar with ETA for the current phase: {@code sft [#####.....] 50/100 ETA 0:42 loss 1.234 ...}. On a
 * terminal ({@link #onTerminal()}: {@code System.console() != null}) it is redrawn in place with {@code '\r'}; otherwise (a pipe, a log file)
 * it degrades to plain lines, one every {@code total/20} steps and at the last, and never writes {@code '\r'}.
 * Checkpoints and text events print on their own lines. Metric names are shown without their namespace.
 */
public final class ConsoleSink implements MetricsSink {
    private static final int WIDTH = 30;
    private static final int SHOWN = 6;

    private final PrintStream out;
    private final boolean terminal;
    private String phase = "";
    private long total;
    private long startNanos = System.nanoTime();
    private long firstStep = -1;
    private boolean open;   // a bar is drawn on the current line (terminal only)

    public ConsoleSink() {
        this(System.out, onTerminal());
    }

    /**
     * Whether standard output is a terminal: {@code System.console() != null}, and on a JDK that has it (22 and later,
     * where a console exists even for redirected output) {@code Console.isTerminal()}.
     */
    public static boolean onTerminal() {
        java.io.Console c = System.console();
        if (c == null) return false;
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;   // before JDK 22 a console means a terminal
        }
    }

    public ConsoleSink(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public synchronized void begin(String phase, long total) {
        endLine();
        this.phase = phase;
        this.total = total;
        this.startNanos = System.nanoTime();
        this.firstStep = -1;
    }

    @Override
    public synchronized void log(long step, Map<String, Double> metrics) {
        StringBuilder m = new StringBuilder();
        int n = 0;
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            if (n++ == SHOWN) break;
            String name = e.getKey();
            int slash = name.indexOf('/');
            m.append(' ').append(slash >= 0 ? name.substring(slash + 1) : name).append(' ').append(format(e.getValue()));
        }
        draw(step, m.toString());
    }

    @Override
    public synchronized void progress(String phase, long done, long total) {
        if (!phase.equals(this.phase) || total != this.total) begin(phase, total);
        draw(done, "");
    }

    @Override
    public synchronized void checkpoint(long step, Path dir) {
        endLine();
        out.println("checkpoint " + step + ": " + dir);
        out.flush();
    }

    @Override
    public synchronized void text(String line) {
        endLine();
        out.println(line);
        out.flush();
    }

    @Override
    public synchronized void close() {
        endLine();
        out.flush();
    }

    private void draw(long step, String metrics) {
        if (firstStep < 0) {
            firstStep = step - 1;
            startNanos = System.nanoTime();
        }
        String line = line(step, metrics);
        if (terminal) {
            out.print("\r" + line);
            open = true;
            if (total > 0 && step >= total) endLine();
        } else {
            long every = Math.max(1, total / 20);
            if (total <= 0 || step % every == 0 || step >= total || step == firstStep + 1) out.println(line);
        }
        out.flush();
    }

    String line(long step, String metrics) {
        StringBuilder b = new StringBuilder();
        if (!phase.isEmpty()) b.append(phase).append(' ');
        if (total > 0) {
            int filled = (int) Math.max(0, Math.min(WIDTH, Math.round(WIDTH * (double) step / total)));
            b.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ")
                    .append(step).append('/').append(total);
            long done = step - firstStep;
            if (done > 0 && step < total) {
                double seconds = (System.nanoTime() - startNanos) / 1e9 / done * (total - step);
                b.append(" ETA ").append(duration(seconds));
            }
        } else {
            b.append("step ").append(step);
        }
        return b.append(metrics).toString();
    }

    private void endLine() {
        if (open) {
            out.println();
            open = false;
        }
    }

    static String format(Double v) {
        if (v == null) return "-";
        double d = v;
        if (Double.isNaN(d) || Double.isInfinite(d)) return Double.toString(d);
        if (d != 0 && (Math.abs(d) < 1e-3 || Math.abs(d) >= 1e5)) return String.format(Locale.ROOT, "%.2e", d);
        return String.format(Locale.ROOT, "%.4f", d);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
