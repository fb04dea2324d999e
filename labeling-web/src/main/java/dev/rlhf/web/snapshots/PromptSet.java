package dev.rlhf.web.snapshots;

import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * The posts an SFT or PPO run reads: posts with a summary, in id order, at most {@code maxPosts}; only those with a
 * comparison in {@code split} unless it is {@code any}; only {@code subreddit} unless it is empty. The run forms'
 * fields {@code promptSplit}, {@code promptSubreddit} and {@code maxPosts}; {@link PromptSets} reads and records them.
 */
public record PromptSet(String split, String subreddit, int maxPosts) {

    public static final String ANY = "any";
    /** {@code any} and the values of {@code comparisons.split}. */
    public static final List<String> SPLITS = List.of(ANY, "train", "valid", "valid1", "valid2", "test");

    public static PromptSet of(JsonNode config) {
        return new PromptSet(config.path("promptSplit").asString(ANY), config.path("promptSubreddit").asString(""),
                config.path("maxPosts").asInt(1000));
    }

    /** An impossible split or subreddit, by field. */
    public static Map<String, String> errors(String split, String subreddit) {
        Map<String, String> e = new java.util.LinkedHashMap<>();
        if (!SPLITS.contains(split)) e.put("promptSplit", "must be one of " + String.join(", ", SPLITS));
        if (subreddit.length() > 128) e.put("promptSubreddit", "at most 128 characters");
        return e;
    }

    /** In words, for logs and errors: {@code "up to 1000 posts, split valid, subreddit r/x"}. */
    public String describe() {
        return "up to " + maxPosts + " posts" + (ANY.equals(split) ? "" : ", split " + split)
                + (subreddit.isEmpty() ? "" : ", subreddit " + subreddit);
    }
}
