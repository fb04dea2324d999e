package dev.rlhf.web.active;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Choosing from a pool whose members' Δr are given: the measures, the top N, the random baseline. */
class BatchSelectionTest {

    static CandidatePair pair(int i) {
        return new CandidatePair(100 + i, "post-" + i, "prompt " + i, 2L * i, "a" + i, "x", 2L * i + 1, "b" + i, "y");
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    // two members; pair 0 both say A by far (agree), pair 1 they split mildly, pair 2 both prefer A but by very
    // different margins (large spread of Δr, small spread of σ(Δr)), pair 3 they split strongly, pair 4 they agree on B
    static final double[][] DELTAS = {{4, 4}, {0.5, -0.5}, {10, 4}, {2, -2}, {-1, -1}};

    @Test
    void theMostDisputedPairsByEachMeasure() {
        List<CandidatePair> pairs = new ArrayList<>();
        for (int i = 0; i < DELTAS.length; i++) pairs.add(pair(i));

        List<BatchSelection.Scored> byProbability = BatchSelection.score(pairs, DELTAS, DisagreementMeasure.STD_PROBABILITY);
        // population std of two values = half their distance
        double[] expectedP = new double[DELTAS.length];
        double[] expectedD = new double[DELTAS.length];
        for (int i = 0; i < DELTAS.length; i++) {
            expectedP[i] = Math.abs(sigmoid(DELTAS[i][0]) - sigmoid(DELTAS[i][1])) / 2;
            expectedD[i] = Math.abs(DELTAS[i][0] - DELTAS[i][1]) / 2;
            assertThat(byProbability.get(i).value()).isCloseTo(expectedP[i], within(1e-12));
        }
        // σ: pair 3 (0.881 vs 0.119) > pair 1 (0.622 vs 0.378) > pair 2 (0.99995 vs 0.982) > agreeing pairs
        assertThat(BatchSelection.choose(byProbability, SelectionMethod.DISAGREEMENT, 3, 0))
                .extracting(s -> s.pair().postId()).containsExactly(103L, 101L, 102L);

        List<BatchSelection.Scored> byDelta = BatchSelection.score(pairs, DELTAS, DisagreementMeasure.STD_DELTA);
        for (int i = 0; i < DELTAS.length; i++) assertThat(byDelta.get(i).value()).isCloseTo(expectedD[i], within(1e-12));
        // Δr: pair 2 (std 3) > pair 3 (2) > pair 1 (0.5)
        assertThat(BatchSelection.choose(byDelta, SelectionMethod.DISAGREEMENT, 2, 0))
                .extracting(s -> s.pair().postId()).containsExactly(102L, 103L);
        assertThat(BatchSelection.mean(byDelta)).isCloseTo((0 + 0.5 + 3 + 2 + 0) / 5.0, within(1e-12));
    }

    @Test
    void equalDisagreementIsBrokenByPostThenSummaryAndNeverExceedsThePool() {
        double[][] same = {{1, -1}, {1, -1}, {1, -1}};
        List<CandidatePair> pairs = List.of(pair(2), pair(0), pair(1));
        List<BatchSelection.Scored> scored = BatchSelection.score(pairs, same, DisagreementMeasure.STD_PROBABILITY);
        assertThat(BatchSelection.choose(scored, SelectionMethod.DISAGREEMENT, 10, 0))
                .extracting(s -> s.pair().postId()).containsExactly(100L, 101L, 102L);
    }

    @Test
    void theRandomBaselineDrawsFromThePoolWithItsSeed() {
        List<CandidatePair> pairs = new ArrayList<>();
        double[][] deltas = new double[20][];
        for (int i = 0; i < 20; i++) {
            pairs.add(pair(i));
            deltas[i] = new double[] {i, -i};
        }
        List<BatchSelection.Scored> scored = BatchSelection.score(pairs, deltas, DisagreementMeasure.STD_DELTA);
        List<BatchSelection.Scored> drawn = BatchSelection.choose(scored, SelectionMethod.RANDOM, 5, 42);
        List<CandidatePair> expected = new ArrayList<>(pairs);
        Collections.shuffle(expected, new Random(42));
        assertThat(drawn).extracting(BatchSelection.Scored::pair).containsExactlyElementsOf(expected.subList(0, 5));
        assertThat(BatchSelection.choose(scored, SelectionMethod.RANDOM, 5, 42)).isEqualTo(drawn);
        assertThat(BatchSelection.choose(scored, SelectionMethod.RANDOM, 5, 43)).isNotEqualTo(drawn);
        // each keeps its own disagreement (std of {i, −i} = i)
        drawn.forEach(s -> assertThat(s.value()).isCloseTo(s.pair().postId() - 100.0, within(1e-12)));
    }
}
