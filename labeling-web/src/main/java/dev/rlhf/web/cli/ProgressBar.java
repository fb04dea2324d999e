package dev.rlhf.web.cli;

import dev.rlhf.web.importing.ImportProgress;

import java.io.PrintStream;

/** A one-line text progress bar: validation fills the first half, writing the second. */
final class ProgressBar implements ImportProgress {
    private static final int WIDTH = 40;
    private final PrintStream out;
    private int lastPercent = -1;

    ProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public void update(String phase, long bytesDone, long bytesTotal, long rows) {
        double read = bytesTotal == 0 ? 1 : (double) bytesDone / bytesTotal;
        int percent = switch (phase) {
            case "VALIDATING" -> (int) (50 * read);
            case "WRITING" -> 50 + (int) (49 * read);
            default -> 100;
        };
        if (percent == lastPercent) {
            return;
        }
        lastPercent = percent;
        int filled = percent * WIDTH / 100;
        out.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + String.format("%3d%%", percent)
                + " " + phase.toLowerCase() + " " + rows + " lines");
        out.flush();
    }

    void done() {
        out.println();
    }
}
