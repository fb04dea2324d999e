package dev.rlhf.web.demo;

import dev.rlhf.web.batch.Batch;
import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.batch.BatchRepository;
import dev.rlhf.web.batch.BatchState;
import dev.rlhf.web.batch.ComparisonStore;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.List;

/** Fills batches with generated posts and candidate summaries. */
@Component
public record DemoBatches(BatchRepository batches, ComparisonStore comparisons, TransactionTemplate tx) {
    /**
     * Creates an OPEN batch of {@code size} comparisons; in a pairwise batch every fifth comparison is gold,
     * with the reference summary (or the careful model's) as the expert's clear choice. One post in ten is in the
     * {@code test} split (never a gold one), the rest in {@code train}.
     */
    public Batch create(String name, BatchMode mode, int overlapK, boolean tiesAllowed, int priority, int size,
                        DemoPostGenerator generator) {
        return tx.execute(status -> {
            Batch batch = new Batch(name, mode, overlapK, tiesAllowed, priority);
            batch.setState(BatchState.OPEN);
            batches.save(batch);
            for (int i = 0; i < size; i++) {
                DemoPost post = generator.next();
                long postId = comparisons.addPost(name + "/" + post.sourceId(), post.subreddit(), post.title(), post.body());
                List<DemoPost.Candidate> chosen = generator.pickCandidates(post, mode.candidates());
                List<Long> summaryIds = new ArrayList<>();
                for (DemoPost.Candidate candidate : chosen) {
                    summaryIds.add(comparisons.addSummary(postId, candidate.text(), candidate.policy(),
                            candidate.reference(), candidate.note()));
                }
                boolean gold = mode == BatchMode.PAIRWISE && i % 5 == 4 && clearWinner(chosen) >= 0;
                // every tenth post is held out (split "test"), with its reference TL;DR stored even when it is not one
                // of the candidates, so a researcher can try a human evaluation against the references at once
                String split = !gold && i % 10 == 7 ? "test" : "train";
                if (split.equals("test") && chosen.stream().noneMatch(DemoPost.Candidate::reference)) {
                    post.candidates().stream().filter(DemoPost.Candidate::reference).findFirst().ifPresent(ref ->
                            comparisons.addSummary(postId, ref.text(), ref.policy(), true, ref.note()));
                }
                long comparisonId = comparisons.addComparison(batch, postId, summaryIds, split, gold);
                if (gold) {
                    int winner = clearWinner(chosen);
                    comparisons.addGoldAnswer(comparisonId, winner, winner == 0 ? 2 : 8,
                            "the " + chosen.get(winner).policy() + " summary keeps the post's key facts");
                }
            }
            return batch;
        });
    }

    /**
     * A CLOSED batch of {@code size} held-out posts for human evaluations: each post with its reference TL;DR and one
     * comparison (reference against another candidate) in split {@code test}, never offered to labelers.
     */
    public Batch createHeldOut(String name, int size, DemoPostGenerator generator) {
        return tx.execute(status -> {
            Batch batch = new Batch(name, BatchMode.PAIRWISE, 1, false, 0);
            batch.setState(BatchState.CLOSED);
            batches.save(batch);
            for (int i = 0; i < size; i++) {
                DemoPost post = generator.next();
                long postId = comparisons.addPost(name + "/" + post.sourceId(), post.subreddit(), post.title(), post.body());
                DemoPost.Candidate ref = post.candidates().stream().filter(DemoPost.Candidate::reference).findFirst().orElseThrow();
                DemoPost.Candidate other = post.candidates().stream().filter(c -> !c.reference()).findFirst().orElseThrow();
                long refId = comparisons.addSummary(postId, ref.text(), ref.policy(), true, ref.note());
                long otherId = comparisons.addSummary(postId, other.text(), other.policy(), false, other.note());
                comparisons.addComparison(batch, postId, List.of(refId, otherId), "test", false);
            }
            return batch;
        });
    }

    /** Index of the better summary when one is clearly better (reference or careful vs noisy/terse), else -1. */
    private static int clearWinner(List<DemoPost.Candidate> pair) {
        int a = rank(pair.get(0).policy());
        int b = rank(pair.get(1).policy());
        if (Math.abs(a - b) < 2) {
            return -1;
        }
        return a > b ? 0 : 1;
    }

    private static int rank(String policy) {
        return switch (policy) {
            case DemoPostGenerator.REFERENCE, DemoPostGenerator.CAREFUL -> 3;
            case DemoPostGenerator.TERSE, DemoPostGenerator.LEAD -> 1;
            default -> 0;
        };
    }
}
