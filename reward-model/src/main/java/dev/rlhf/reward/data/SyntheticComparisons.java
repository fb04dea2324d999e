package dev.rlhf.reward.data;

import dev.rlhf.lm.formats.Comparison;
import dev.rlhf.lm.formats.PostInfo;
import dev.rlhf.lm.formats.Summary;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generated comparisons where a hidden rule decides the preference, for tests, demos and benchmarks: every summary
 * holds exactly one quality word, and the summary whose quality word is one of {@link #GOOD} is the better one
 * (exactly one per comparison has a good word). A labeler follows the rule except with probability
 * {@code flipProbability}, when they pick another summary at random; so the best reachable accuracy against the
 * labels is 1 − flipProbability, and against the rule 1.
 *
 * <p>Posts are short Reddit-like texts in the TL;DR format; each post gets {@code comparisonsPerPost} comparisons of
 * different summaries. Confidence is uniform on 1..9 and independent of the flip; labelers and policies are drawn
 * from small fixed lists (policy {@code ref} plays the human reference).
 */
public final class SyntheticComparisons {

    public static final List<String> GOOD = List.of("clear", "exact", "brief");
    public static final List<String> BAD = List.of("vague", "wrong", "messy");
    static final List<String> FILLER = List.of("the", "post", "asks", "about", "my", "friend", "job", "money",
            "help", "now", "plan", "home", "we", "talk", "did", "it", "so", "day");
    static final List<String> SUBREDDITS = List.of("pets", "jobs", "travel", "money");
    static final List<String> TOPICS = List.of("rent", "my job", "my dog", "a trip", "my sister", "a loan",
            "school", "a bike");
    static final List<String> VERBS = List.of("fear", "hate", "need", "lost", "want", "love");
    public static final List<String> WORKERS = List.of("labeler-a", "labeler-b", "labeler-c", "labeler-d", "labeler-e");
    public static final List<String> POLICIES = List.of("ref", "sft", "ppo");

    private final Random rng;
    private final double flipProbability;
    private final int candidates;
    private int nextPost;

    /**
     * @param seed            the generator's seed (same seed, same data)
     * @param flipProbability the chance that a label contradicts the rule
     * @param candidates      summaries per comparison: 2, or 4 for best-of-4
     */
    public SyntheticComparisons(long seed, double flipProbability, int candidates) {
        if (candidates < 2) throw new IllegalArgumentException("candidates must be at least 2");
        this.rng = new Random(seed);
        this.flipProbability = flipProbability;
        this.candidates = candidates;
    }

    /** {@code posts} posts with {@code comparisonsPerPost} comparisons each. */
    public List<Comparison> generate(int posts, int comparisonsPerPost) {
        List<Comparison> out = new ArrayList<>();
        for (int p = 0; p < posts; p++) {
            PostInfo info = post();
            for (int c = 0; c < comparisonsPerPost; c++) out.add(comparison(info));
        }
        return out;
    }

    PostInfo post() {
        String id = String.format("t3_syn%05d", nextPost++);
        String topic = pick(TOPICS);
        String text = "I " + pick(VERBS) + " " + topic + ". Help?";
        return new PostInfo(id, text, topic, pick(SUBREDDITS));
    }

    Comparison comparison(PostInfo info) {
        int good = rng.nextInt(candidates);
        List<Summary> summaries = new ArrayList<>();
        for (int i = 0; i < candidates; i++) {
            summaries.add(new Summary(summaryText(i == good), pick(POLICIES), null));
        }
        int choice = good;
        if (rng.nextDouble() < flipProbability) {
            choice = (good + 1 + rng.nextInt(candidates - 1)) % candidates;   // any other summary
        }
        return new Comparison(info, summaries, choice, pick(WORKERS), "batch-" + (nextPost / 100), null,
                1 + rng.nextInt(9));
    }

    private String summaryText(boolean good) {
        int words = 3 + rng.nextInt(3);
        int quality = rng.nextInt(words);
        StringBuilder b = new StringBuilder();
        for (int w = 0; w < words; w++) {
            if (w > 0) b.append(' ');
            b.append(w == quality ? pick(good ? GOOD : BAD) : pick(FILLER));
        }
        return b.toString();
    }

    private String pick(List<String> from) {
        return from.get(rng.nextInt(from.size()));
    }

    /** The hidden rule: the index of the summary that holds a good word (-1 if none does). */
    public static int ruleChoice(Comparison c) {
        for (int i = 0; i < c.summaries().size(); i++) {
            if (hasGoodWord(c.summaries().get(i).text())) return i;
        }
        return -1;
    }

    public static boolean hasGoodWord(String text) {
        for (String w : text.split(" ")) if (GOOD.contains(w)) return true;
        return false;
    }
}
