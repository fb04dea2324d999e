package dev.rlhf.web.labeling;

/**
 * An answer in the labeler's screen terms, the only terms a labeler is ever answered in: {@code choice} is the screen
 * position of the preferred summary (0 = left / "A"; null for a tie), {@code confidence} (pairwise only) the screen
 * scale, 1 = left definitely better … 9 = right definitely better. Nothing here depends on the comparison's canonical
 * order, so a receipt tells the labeler nothing about which summary (or policy) is stored first.
 */
public record ScreenAnswer(Integer choice, Integer confidence) {

    /**
     * The screen answer as sent, once judged to fit its batch: pairwise carries a confidence (the preferred side
     * follows from it), best-of-4 a choice.
     */
    static ScreenAnswer of(Integer confidence, Integer choice) {
        return confidence != null ? new ScreenAnswer(preferredSide(confidence), confidence) : new ScreenAnswer(choice, null);
    }

    /** 0 (left) below 5, 1 (right) above 5, null for a tie (5). */
    static Integer preferredSide(int confidence) {
        return confidence < 5 ? Integer.valueOf(0) : confidence > 5 ? Integer.valueOf(1) : null;
    }
}
