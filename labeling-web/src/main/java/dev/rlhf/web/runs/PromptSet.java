package dev.rlhf.web.runs;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

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

    /** The form fields that choose the set besides {@code maxPosts}, with their defaults. */
    public static void defaults(Map<String, String> form) {
        form.put("promptSplit", ANY);
        form.put("promptSubreddit", "");
    }

    /**
     * Copies the form's {@code promptSplit} and {@code promptSubreddit} into {@code config}, naming an impossible one in
     * {@code errors} ({@code maxPosts} is checked with the other numbers).
     */
    public static void check(Map<String, String> values, ObjectNode config, Map<String, String> errors) {
        String split = values.getOrDefault("promptSplit", ANY).strip();
        if (split.isEmpty()) split = ANY;
        if (!SPLITS.contains(split)) errors.put("promptSplit", "must be one of " + String.join(", ", SPLITS));
        else config.put("promptSplit", split);
        String subreddit = values.getOrDefault("promptSubreddit", "").strip();
        if (subreddit.length() > 128) errors.put("promptSubreddit", "at most 128 characters");
        else config.put("promptSubreddit", subreddit);
    }

    /** In words, for logs and errors: {@code "up to 1000 posts, split valid, subreddit r/x"}. */
    public String describe() {
        return "up to " + maxPosts + " posts" + (ANY.equals(split) ? "" : ", split " + split)
                + (subreddit.isEmpty() ? "" : ", subreddit " + subreddit);
    }
}
