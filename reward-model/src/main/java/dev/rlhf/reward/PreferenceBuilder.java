package dev.rlhf.reward;

import dev.rlhf.lm.formats.Comparison;
import dev.rlhf.lm.formats.Summary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns comparisons into training examples, in this order: leave out flagged posts, labelers below the quality
 * threshold and labels below the minimum confidence; aggregate several labels of one comparison (same post, same
 * set of summaries); then each comparison becomes one {@link Preference} (a pair, or a k-way softmax example) or
 * its k − 1 implied pairs, with its weight and margin from its confidence.
 */
public final class PreferenceBuilder {

    /** A confidence that aggregation assumes for a label without one (the middle of the 1..9 scale). */
    static final int DEFAULT_CONFIDENCE = 5;

    private PreferenceBuilder() {
    }

    /**
     * @param preferences the examples
     * @param dropped     why comparisons were left out: "flagged post", "labeler quality", "low confidence",
     *                    "aggregation tie" → count
     */
    public record Result(List<Preference> preferences, Map<String, Integer> dropped) {
    }

    public static Result build(List<Comparison> comparisons, PreferenceOptions options) {
        Map<String, Integer> dropped = new LinkedHashMap<>();
        List<Comparison> kept = new ArrayList<>();
        for (Comparison c : comparisons) {
            String reason = filterReason(c, options);
            if (reason != null) {
                dropped.merge(reason, 1, Integer::sum);
            } else {
                kept.add(c);
            }
        }
        if (options.aggregation() != Aggregation.NONE) {
            Map<String, List<Comparison>> groups = new LinkedHashMap<>();
            for (Comparison c : kept) groups.computeIfAbsent(key(c), k -> new ArrayList<>()).add(c);
            List<Comparison> aggregated = new ArrayList<>();
            int ties = 0;
            for (List<Comparison> g : groups.values()) {
                Comparison a = aggregate(g, options.aggregation());
                if (a == null) ties++;
                else aggregated.add(a);
            }
            if (ties > 0) dropped.put("aggregation tie", ties);
            kept = aggregated;
        }
        List<Preference> out = new ArrayList<>();
        for (Comparison c : kept) out.addAll(toPreferences(c, options));
        return new Result(out, dropped);
    }

    private static String filterReason(Comparison c, PreferenceOptions o) {
        if (o.excludedPosts().contains(c.info().id())) return "flagged post";
        if (c.worker() != null) {
            Double q = o.labelerQuality().get(c.worker());
            if (q != null && q < o.minLabelerQuality()) return "labeler quality";
        }
        if (c.confidence() != null && c.confidence() < o.minConfidence()) return "low confidence";
        return null;
    }

    /** The same comparison for every labeler: the post and the set of summary texts, in any order. */
    static String key(Comparison c) {
        TreeSet<String> texts = new TreeSet<>();
        for (Summary s : c.summaries()) texts.add(s.text());
        return c.info().id() + '\u0000' + String.join("\u0000", texts);
    }

    /**
     * One label from several: each label votes for the text it chose, with weight 1 (majority) or its confidence
     * (confidence-weighted). The winner keeps the first label's summary order; its confidence is the rounded mean
     * of the winning voters' confidences. A group of one passes unchanged; a tie gives null.
     */
    static Comparison aggregate(List<Comparison> labels, Aggregation how) {
        if (labels.size() == 1) return labels.get(0);
        Map<String, Double> votes = new LinkedHashMap<>();
        for (Comparison c : labels) {
            double w = how == Aggregation.MAJORITY ? 1
                    : (c.confidence() == null ? DEFAULT_CONFIDENCE : c.confidence());   // vote = confidence
            votes.merge(c.chosen().text(), w, Double::sum);
        }
        String best = null;
        double bestVotes = Double.NEGATIVE_INFINITY;
        boolean tie = false;
        for (Map.Entry<String, Double> e : votes.entrySet()) {
            if (e.getValue() > bestVotes) {
                best = e.getKey();
                bestVotes = e.getValue();
                tie = false;
            } else if (e.getValue() == bestVotes) {
                tie = true;
            }
        }
        if (tie) return null;
        Comparison first = labels.get(0);
        int choice = -1;
        for (int i = 0; i < first.summaries().size(); i++) {
            if (first.summaries().get(i).text().equals(best)) choice = i;
        }
        double sum = 0;
        int n = 0;
        for (Comparison c : labels) {
            if (c.chosen().text().equals(best) && c.confidence() != null) {
                sum += c.confidence();
                n++;
            }
        }
        Integer confidence = n == 0 ? null : (int) Math.round(sum / n);
        return new Comparison(first.info(), first.summaries(), choice, "aggregate", first.batch(), first.split(),
                confidence);
    }

    static List<Preference> toPreferences(Comparison c, PreferenceOptions o) {
        Integer conf = c.confidence();
        double weight = conf != null && conf < o.lowConfidenceBelow() ? o.lowConfidenceWeight() : 1;
        double margin = conf == null ? 0 : o.confidenceMargin() * (conf - 1) / 8.0;      // m = M·(c − 1)/8
        String prompt = c.info().prompt();
        List<String> texts = new ArrayList<>();
        for (Summary s : c.summaries()) texts.add(s.text());
        if (texts.size() == 2 || o.bestOfN() == BestOfN.SOFTMAX) {
            return List.of(new Preference(c.info().id(), prompt, texts, c.choice(), weight, margin, c.worker(), conf,
                    c.policies()));
        }
        List<Preference> pairs = new ArrayList<>();
        for (int j = 0; j < texts.size(); j++) {
            if (j == c.choice()) continue;
            int a = Math.min(j, c.choice()), b = Math.max(j, c.choice());   // keep the file's order of the two
            pairs.add(new Preference(c.info().id(), prompt, List.of(texts.get(a), texts.get(b)),
                    a == c.choice() ? 0 : 1, weight, margin, c.worker(), conf,
                    java.util.Arrays.asList(c.policies().get(a), c.policies().get(b))));
        }
        return pairs;
    }
}
