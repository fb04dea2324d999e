package dev.rlhf.web.labeling;

import dev.rlhf.web.batch.BatchMode;

/**
 * An answer in the comparison's canonical order, as stored: {@code choice} is the index of the preferred
 * summary (null for a tie); {@code confidence} (pairwise only) runs 1 = summary 0 definitely better, 5 = tie,
 * 9 = summary 1 definitely better.
 * <p>
 * The screen shows the summaries in the assignment's random {@code displayOrder} ({@code displayOrder[p]} is
 * the canonical index of the summary at screen position p). On screen, pairwise confidence runs 1 = left ("A")
 * definitely better … 9 = right ("B") definitely better, and best-of-4 picks a screen position 0..3.
 */
public record CanonicalAnswer(Integer choice, Integer confidence) {

    public static CanonicalAnswer fromScreen(int[] displayOrder, BatchMode mode, boolean tiesAllowed,
                                             Integer screenConfidence, Integer screenChoice) {
        if (displayOrder.length != mode.candidates()) {
            throw new IllegalStateException("display order " + displayOrder.length + " does not fit " + mode);
        }
        return switch (mode) {
            case PAIRWISE -> pairwise(displayOrder, tiesAllowed, screenConfidence, screenChoice);
            case BEST_OF_4 -> bestOf4(displayOrder, screenConfidence, screenChoice);
        };
    }

    /**
     * This stored answer as the labeler gave it on the screen of the assignment with {@code displayOrder}: the
     * inverse of {@link #fromScreen}.
     */
    public ScreenAnswer toScreen(int[] displayOrder) {
        if (confidence != null) {
            return ScreenAnswer.of(displayOrder[0] == 0 ? confidence : 10 - confidence, null);
        }
        for (int screen = 0; screen < displayOrder.length; screen++) {
            if (displayOrder[screen] == choice) {
                return ScreenAnswer.of(null, screen);
            }
        }
        throw new IllegalStateException("choice " + choice + " is not in the display order");
    }

    private static CanonicalAnswer pairwise(int[] displayOrder, boolean tiesAllowed, Integer confidence, Integer choice) {
        if (choice != null) {
            throw LabelingException.badField("choice", "a pairwise comparison is answered with confidence 1-9, not choice");
        }
        if (confidence == null) {
            throw LabelingException.badField("confidence", "confidence is required (1-9)");
        }
        if (confidence < 1 || confidence > 9) {
            throw LabelingException.badField("confidence", "confidence must be between 1 and 9, got " + confidence);
        }
        if (confidence == 5 && !tiesAllowed) {
            throw LabelingException.badField("confidence", "this batch does not allow ties (5)");
        }
        int canonical = displayOrder[0] == 0 ? confidence : 10 - confidence;
        return new CanonicalAnswer(ScreenAnswer.preferredSide(canonical), canonical);
    }

    private static CanonicalAnswer bestOf4(int[] displayOrder, Integer confidence, Integer choice) {
        if (confidence != null) {
            throw LabelingException.badField("confidence", "a best-of-4 comparison is answered with choice 0-3, not confidence");
        }
        if (choice == null) {
            throw LabelingException.badField("choice", "choice is required (0-3)");
        }
        if (choice < 0 || choice >= displayOrder.length) {
            throw LabelingException.badField("choice", "choice must be between 0 and 3, got " + choice);
        }
        return new CanonicalAnswer(displayOrder[choice], null);
    }
}
