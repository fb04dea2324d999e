package dev.rlhf.web.labeling;

import dev.rlhf.web.batch.BatchMode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CanonicalAnswerTest {

    @Test
    void pairwiseInCanonicalOrderOnScreenKeepsTheScale() {
        CanonicalAnswer answer = CanonicalAnswer.fromScreen(new int[]{0, 1}, BatchMode.PAIRWISE, false, 2, null);
        assertThat(answer).isEqualTo(new CanonicalAnswer(0, 2));
        assertThat(CanonicalAnswer.fromScreen(new int[]{0, 1}, BatchMode.PAIRWISE, false, 9, null))
                .isEqualTo(new CanonicalAnswer(1, 9));
    }

    @Test
    void pairwiseSwappedOnScreenMirrorsTheScale() {
        // summary 1 was on the left; "A definitely better" means summary 1 definitely better
        assertThat(CanonicalAnswer.fromScreen(new int[]{1, 0}, BatchMode.PAIRWISE, false, 1, null))
                .isEqualTo(new CanonicalAnswer(1, 9));
        assertThat(CanonicalAnswer.fromScreen(new int[]{1, 0}, BatchMode.PAIRWISE, false, 7, null))
                .isEqualTo(new CanonicalAnswer(0, 3));
    }

    @Test
    void tieIsStoredAsNullChoiceWhereAllowed() {
        assertThat(CanonicalAnswer.fromScreen(new int[]{1, 0}, BatchMode.PAIRWISE, true, 5, null))
                .isEqualTo(new CanonicalAnswer(null, 5));
        assertThatThrownBy(() -> CanonicalAnswer.fromScreen(new int[]{0, 1}, BatchMode.PAIRWISE, false, 5, null))
                .isInstanceOfSatisfying(LabelingException.class, e -> assertThat(e.field()).isEqualTo("confidence"));
    }

    @Test
    void pairwiseOutOfRangeNamesTheField() {
        for (int bad : new int[]{0, 10, -3}) {
            assertThatThrownBy(() -> CanonicalAnswer.fromScreen(new int[]{0, 1}, BatchMode.PAIRWISE, true, bad, null))
                    .isInstanceOfSatisfying(LabelingException.class, e -> assertThat(e.field()).isEqualTo("confidence"));
        }
    }

    @Test
    void bestOfFourMapsTheScreenPositionToTheCanonicalIndex() {
        int[] order = {2, 0, 3, 1};
        for (int position = 0; position < 4; position++) {
            assertThat(CanonicalAnswer.fromScreen(order, BatchMode.BEST_OF_4, false, null, position))
                    .isEqualTo(new CanonicalAnswer(order[position], null));
        }
        assertThatThrownBy(() -> CanonicalAnswer.fromScreen(order, BatchMode.BEST_OF_4, false, null, 4))
                .isInstanceOfSatisfying(LabelingException.class, e -> assertThat(e.field()).isEqualTo("choice"));
        assertThatThrownBy(() -> CanonicalAnswer.fromScreen(order, BatchMode.BEST_OF_4, false, 3, null))
                .isInstanceOfSatisfying(LabelingException.class, e -> assertThat(e.field()).isEqualTo("confidence"));
    }
}
