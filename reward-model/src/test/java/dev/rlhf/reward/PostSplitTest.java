package dev.rlhf.reward;

import dev.rlhf.lm.formats.Comparison;
import dev.rlhf.reward.data.SyntheticComparisons;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostSplitTest {

    @Test
    void noPostOnBothSides() {
        List<Comparison> all = new SyntheticComparisons(1, 0.25, 2).generate(200, 3);
        PostSplit.Split<Comparison> s = PostSplit.random(all, c -> c.info().id(), 0.2, 5);
        Set<String> train = new HashSet<>(), val = new HashSet<>();
        s.train().forEach(c -> train.add(c.info().id()));
        s.validation().forEach(c -> val.add(c.info().id()));
        assertEquals(40, val.size());
        assertEquals(160, train.size());
        assertEquals(600, s.train().size() + s.validation().size());
        Set<String> both = new HashSet<>(train);
        both.retainAll(val);
        assertTrue(both.isEmpty(), "posts on both sides: " + both);
        assertEquals(val, s.validationPosts());
        assertEquals(train, s.trainPosts());
        // Seeded: the same seed gives the same split, another seed another one.
        assertEquals(s.validationPosts(), PostSplit.random(all, c -> c.info().id(), 0.2, 5).validationPosts());
        assertFalse(s.validationPosts().equals(PostSplit.random(all, c -> c.info().id(), 0.2, 6).validationPosts()));
    }

    @Test
    void aSnapshotTooSmallToSplitSaysSo() {
        List<Comparison> onePost = new SyntheticComparisons(1, 0.25, 2).generate(1, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PostSplit.random(onePost, c -> c.info().id(), 0.2, 1));
        assertTrue(e.getMessage().startsWith("snapshot too small to split: 3 comparisons on 1 distinct post"),
                e.getMessage());
        // Two posts split one and one, whatever the fraction.
        List<Comparison> twoPosts = new SyntheticComparisons(1, 0.25, 2).generate(2, 1);
        PostSplit.Split<Comparison> s = PostSplit.random(twoPosts, c -> c.info().id(), 0.01, 1);
        assertEquals(1, s.train().size());
        assertEquals(1, s.validation().size());
    }

    @Test
    void aSplitFromTheDataMayNotLeak() {
        List<Comparison> all = new SyntheticComparisons(1, 0.25, 2).generate(3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PostSplit.byField(all, c -> c.info().id(), c -> all.indexOf(c) % 2 == 0));
        assertTrue(e.getMessage().contains("appear on both sides"), e.getMessage());
        PostSplit.Split<Comparison> s = PostSplit.byField(all, c -> c.info().id(), c -> all.indexOf(c) < 4);
        assertEquals(4, s.train().size());
        assertEquals(2, s.validation().size());
    }
}
