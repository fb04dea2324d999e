package dev.rlhf.web.importing;

import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One line of a summarize-from-feedback comparisons file:
 * {@code {"info":{"id","post","title","subreddit"},"summaries":[{"text","policy","note"}…],"choice","worker","batch","split","extra":{"confidence"}}}.
 * {@code choice} indexes {@code summaries}; null only for a tie (pairwise, confidence 5).
 */
public record FeedbackComparison(String postId, String subreddit, String title, String post,
                                 List<Summary> summaries, Integer choice, String worker, String batch, String split,
                                 Integer confidence) {

    /** The splits the schema accepts ({@code comparisons_split_ck}). */
    public static final Set<String> SPLITS = Set.of("train", "valid", "valid1", "valid2", "test");
    /** Imported workers become users named {@code imported:<worker>} (64 characters at most). */
    public static final int MAX_WORKER_LENGTH = 55;

    public record Summary(String text, String policy, String note) {
    }

    static FeedbackComparison parse(long line, JsonNode json) {
        JsonFields fields = new JsonFields(line);
        JsonNode info = fields.object(json, "info", "info");
        String postId = fields.text(info, "id", "info.id", 128, false);
        String post = fields.text(info, "post", "info.post", ImportLimits.POST, false);
        String title = fields.text(info, "title", "info.title", ImportLimits.TITLE, true);
        String subreddit = fields.text(info, "subreddit", "info.subreddit", 128, false);

        JsonNode summariesNode = json.get("summaries");
        if (summariesNode == null || summariesNode.isNull()) {
            throw fields.bad("summaries", "is required");
        }
        if (!summariesNode.isArray() || (summariesNode.size() != 2 && summariesNode.size() != 4)) {
            throw fields.bad("summaries", "must be an array of 2 or 4 summaries");
        }
        List<Summary> summaries = new ArrayList<>(summariesNode.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < summariesNode.size(); i++) {
            String path = "summaries[" + i + "]";
            JsonNode summary = summariesNode.get(i);
            if (!summary.isObject()) {
                throw fields.bad(path, "must be an object");
            }
            String text = fields.text(summary, "text", path + ".text", ImportLimits.SUMMARY, false);
            String policy = fields.text(summary, "policy", path + ".policy", 128, false);
            String note = fields.optionalText(summary, "note", path + ".note", ImportLimits.NOTE);
            if (!seen.add(policy + "\u0000" + text)) {
                throw fields.bad(path, "repeats another summary of this comparison (same text and policy)");
            }
            summaries.add(new Summary(text, policy, note));
        }

        JsonNode extra = json.get("extra");
        if (extra != null && !extra.isNull() && !extra.isObject()) {
            throw fields.bad("extra", "must be an object");
        }
        Integer confidence = fields.optionalInt(extra == null || extra.isNull() ? null : extra, "confidence",
                "extra.confidence", 1, 9);
        Integer choice = fields.optionalInt(json, "choice", "choice", 0, summaries.size() - 1);
        if (choice == null && !(summaries.size() == 2 && Integer.valueOf(5).equals(confidence))) {
            throw fields.bad("choice", "is required (null only for a pairwise tie with extra.confidence 5)");
        }
        String worker = fields.text(json, "worker", "worker", MAX_WORKER_LENGTH, false);
        String batch = fields.text(json, "batch", "batch", 128, false);
        String split = fields.text(json, "split", "split", 16, false);
        if (!SPLITS.contains(split)) {
            throw fields.bad("split", "must be one of " + SPLITS.stream().sorted().toList() + ", got '" + split + "'");
        }
        return new FeedbackComparison(postId, subreddit, title, post, List.copyOf(summaries), choice, worker, batch,
                split, confidence);
    }

    /**
     * The comparison this line labels, independent of who labelled it: post, batch, split and the summaries in
     * order. Lines with the same key are labels of one comparison; the key is the comparison's source id.
     */
    public String comparisonKey() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts()) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return "sff:" + HexFormat.of().formatHex(sha.digest(), 0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> parts() {
        List<String> parts = new ArrayList<>();
        parts.add(postId);
        parts.add(batch);
        parts.add(split);
        for (Summary summary : summaries) {
            parts.add(summary.policy());
            parts.add(summary.text());
        }
        return parts;
    }

    /**
     * The stored (canonical) confidence: the file's value where it fits the platform's scale for this choice
     * (1-4 summary 0 better, 5 tie, 6-9 summary 1 better), otherwise none; the file's own value is kept apart.
     */
    public Integer canonicalConfidence() {
        if (confidence == null || summaries.size() != 2) {
            return null;
        }
        boolean fits = choice == null ? confidence == 5 : choice == 0 ? confidence < 5 : confidence > 5;
        return fits ? confidence : null;
    }
}
