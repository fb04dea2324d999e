package dev.rlhf.reward;

import dev.rlhf.lm.formats.Comparison;
import dev.rlhf.lm.formats.PostInfo;
import dev.rlhf.lm.formats.Summary;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PreferenceBuilderTest {

    static final PostInfo POST = new PostInfo("p1", "post", "t", "s");
    static final List<Summary> AB = List.of(new Summary("A", "ref", null), new Summary("B", "ppo", null));
    static final List<Summary> BA = List.of(new Summary("B", "ppo", null), new Summary("A", "ref", null));

    static Comparison label(List<Summary> order, String chosenText, String worker, Integer confidence) {
        int choice = order.get(0).text().equals(chosenText) ? 0 : 1;
        return new Comparison(POST, order, choice, worker, null, null, confidence);
    }

    static String chosenText(Preference p) {
        return p.candidates().get(p.chosen());
    }

    @Test
    void majorityCountsLabelersWhateverTheSummaryOrder() {
        List<Comparison> labels = List.of(label(AB, "A", "w1", 2), label(BA, "A", "w2", 3), label(AB, "B", "w3", 9));
        PreferenceBuilder.Result r = PreferenceBuilder.build(labels, PreferenceOptions.defaults()
                .withAggregation(Aggregation.MAJORITY));
        assertEquals(1, r.preferences().size());
        Preference p = r.preferences().get(0);
        assertEquals("A", chosenText(p));                     // 2 votes against 1
        assertEquals(List.of("A", "B"), p.candidates());      // the first label's order
        assertEquals("aggregate", p.worker());
        assertEquals(3, p.confidence());                      // round((2 + 3) / 2) = round(2.5) = 3
    }

    @Test
    void confidenceWeightingCanOverturnTheMajority() {
        List<Comparison> labels = List.of(label(AB, "A", "w1", 2), label(BA, "A", "w2", 3), label(AB, "B", "w3", 9));
        Preference p = PreferenceBuilder.build(labels, PreferenceOptions.defaults()
                .withAggregation(Aggregation.CONFIDENCE_WEIGHTED)).preferences().get(0);
        assertEquals("B", chosenText(p));                     // 9 against 2 + 3 = 5
        assertEquals(9, p.confidence());
    }

    @Test
    void tiesAreDroppedAndCounted() {
        List<Comparison> labels = List.of(label(AB, "A", "w1", 4), label(AB, "B", "w2", null)); // 4 vs default 5
        assertEquals("B", chosenText(PreferenceBuilder.build(labels, PreferenceOptions.defaults()
                .withAggregation(Aggregation.CONFIDENCE_WEIGHTED)).preferences().get(0)));
        PreferenceBuilder.Result tie = PreferenceBuilder.build(labels, PreferenceOptions.defaults()
                .withAggregation(Aggregation.MAJORITY));
        assertEquals(0, tie.preferences().size());
        assertEquals(Map.of("aggregation tie", 1), tie.dropped());
    }

    @Test
    void filtersConfidenceFlaggedPostsAndLabelers() {
        PostInfo other = new PostInfo("p2", "post 2", null, null);
        List<Comparison> labels = new ArrayList<>(List.of(label(AB, "A", "good", 9), label(AB, "A", "bad", 9),
                label(AB, "B", "good", 1), label(AB, "B", "good", 5), label(AB, "A", "unscored", 2)));
        labels.add(new Comparison(other, AB, 0, "good", null, null, 7));
        PreferenceOptions o = PreferenceOptions.defaults().withMinConfidence(2)
                .withLabelerQuality(Map.of("good", 0.8, "bad", 0.4), 0.6).withExcludedPosts(Set.of("p2"))
                .withLowConfidenceWeight(4, 0.25).withConfidenceMargin(2.0);
        PreferenceBuilder.Result r = PreferenceBuilder.build(labels, o);
        assertEquals(Map.of("labeler quality", 1, "low confidence", 1, "flagged post", 1), r.dropped());
        assertEquals(3, r.preferences().size());
        Preference first = r.preferences().get(0), second = r.preferences().get(1), third = r.preferences().get(2);
        assertEquals(1.0, first.weight());
        assertEquals(2.0, first.margin(), 1e-12);              // 2·(9 − 1)/8
        assertEquals(1.0, second.weight());                    // confidence 5 is not below 4
        assertEquals(1.0, second.margin(), 1e-12);             // 2·(5 − 1)/8
        assertEquals(0.25, third.weight());                    // confidence 2 < 4
        assertEquals(0.25, third.margin(), 1e-12);             // 2·(2 − 1)/8
    }

    @Test
    void bestOfFourIsOneSoftmaxExampleOrThreeImpliedPairs() {
        List<Summary> four = List.of(new Summary("w", "a", null), new Summary("x", "b", null),
                new Summary("y", "c", null), new Summary("z", "d", null));
        Comparison c = new Comparison(POST, four, 2, "w1", null, null, 6);
        List<Preference> softmax = PreferenceBuilder.build(List.of(c), PreferenceOptions.defaults()).preferences();
        assertEquals(1, softmax.size());
        assertEquals(4, softmax.get(0).size());
        assertEquals(2, softmax.get(0).chosen());
        List<Preference> pairs = PreferenceBuilder.build(List.of(c), PreferenceOptions.defaults()
                .withBestOfN(BestOfN.PAIRS)).preferences();
        assertEquals(3, pairs.size());
        assertEquals(List.of("w", "y"), pairs.get(0).candidates());
        assertEquals(1, pairs.get(0).chosen());
        assertEquals(List.of("x", "y"), pairs.get(1).candidates());
        assertEquals(List.of("y", "z"), pairs.get(2).candidates());
        assertEquals(0, pairs.get(2).chosen());
        assertEquals(java.util.Arrays.asList("c", "d"), pairs.get(2).policies());
    }
}
