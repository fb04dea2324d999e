package dev.rlhf.reward;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * A train/validation split by post, never by label: every label of a post lands on the same side, so the
 * validation accuracy measures generalisation to unseen posts.
 */
public final class PostSplit {

    private PostSplit() {
    }

    public record Split<T>(List<T> train, List<T> validation, Set<String> trainPosts, Set<String> validationPosts) {
    }

    /**
     * Shuffles the distinct posts with {@code seed} and puts round(fraction · posts) of them (at least one, and at
     * least one fewer than all) on the validation side. Fewer than two distinct posts cannot be split and are refused.
     */
    public static <T> Split<T> random(List<T> items, Function<T, String> postId, double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), was " + validationFraction);
        }
        List<String> posts = new ArrayList<>(new LinkedHashSet<>(items.stream().map(postId).toList()));
        if (posts.size() < 2) {
            throw new IllegalArgumentException("snapshot too small to split: " + items.size() + " comparison"
                    + (items.size() == 1 ? "" : "s") + " on " + posts.size() + " distinct post"
                    + (posts.size() == 1 ? "" : "s") + "; a train/validation split by post needs at least 2 posts");
        }
        Collections.shuffle(posts, new Random(seed));
        int nVal = (int) Math.max(1, Math.min(posts.size() - 1, Math.round(validationFraction * posts.size())));
        Set<String> val = new HashSet<>(posts.subList(0, nVal));
        Set<String> train = new HashSet<>(posts.subList(nVal, posts.size()));
        return assign(items, postId, train, val);
    }

    /**
     * Uses a split named in the data (e.g. the file's {@code split} field: {@code train} against everything else);
     * refuses a snapshot where a post appears on both sides, or where either side is empty.
     */
    public static <T> Split<T> byField(List<T> items, Function<T, String> postId, Function<T, Boolean> isTrain) {
        Set<String> train = new HashSet<>(), val = new HashSet<>();
        for (T t : items) (isTrain.apply(t) ? train : val).add(postId.apply(t));
        Set<String> both = new HashSet<>(train);
        both.retainAll(val);
        if (!both.isEmpty()) {
            throw new IllegalArgumentException(both.size() + " post(s) appear on both sides of the split in the data, e.g. "
                    + both.iterator().next() + "; use a random split by post instead");
        }
        if (train.isEmpty() || val.isEmpty()) {
            throw new IllegalArgumentException("snapshot too small to split: the data's split field gives "
                    + train.size() + " training and " + val.size() + " validation posts");
        }
        return assign(items, postId, train, val);
    }

    private static <T> Split<T> assign(List<T> items, Function<T, String> postId, Set<String> train, Set<String> val) {
        List<T> tr = new ArrayList<>(), va = new ArrayList<>();
        for (T t : items) (val.contains(postId.apply(t)) ? va : tr).add(t);
        return new Split<>(tr, va, Collections.unmodifiableSet(train), Collections.unmodifiableSet(val));
    }
}
