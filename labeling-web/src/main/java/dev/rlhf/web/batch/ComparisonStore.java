package dev.rlhf.web.batch;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import java.util.List;

/**
 * Writes posts, their candidate summaries and the comparisons built from them. A comparison's summaries
 * keep the order given here (the canonical order that labels refer to).
 */
@Repository
public class ComparisonStore {
    private final JdbcClient jdbc;

    ComparisonStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long addPost(String sourceId, String subreddit, String title, String body) {
        return jdbc.sql("INSERT INTO posts (source_id, subreddit, title, body) VALUES (?, ?, ?, ?) RETURNING id")
                .params(sourceId, subreddit, title, body).query(Long.class).single();
    }

    public long addSummary(long postId, String text, String policy, boolean reference, String sourceNote) {
        return jdbc.sql("INSERT INTO summaries (post_id, text, policy, is_reference, source_note) VALUES (?, ?, ?, ?, ?) RETURNING id")
                .params(postId, text, policy, reference, sourceNote).query(Long.class).single();
    }

    /** Adds a comparison to a batch with all K of the batch's slots free; the summaries must belong to the post. */
    @Transactional
    public long addComparison(Batch batch, long postId, List<Long> summaryIds, String split, boolean gold) {
        if (summaryIds.size() != batch.getMode().candidates()) {
            throw new IllegalArgumentException("a " + batch.getMode() + " comparison needs "
                    + batch.getMode().candidates() + " summaries, got " + summaryIds.size());
        }
        long foreign = jdbc.sql("SELECT count(*) FROM summaries WHERE id = ANY(?) AND post_id <> ?")
                .params(summaryIds.toArray(Long[]::new), postId).query(Long.class).single();
        if (foreign > 0) {
            throw new IllegalArgumentException("every summary of a comparison must belong to its post");
        }
        long comparisonId = jdbc.sql("""
                        INSERT INTO comparisons (post_id, batch_id, candidate_count, split, is_gold, open_slots)
                        VALUES (?, ?, ?, ?, ?, ?) RETURNING id""")
                .params(postId, batch.getId(), summaryIds.size(), split, gold, batch.getOverlapK())
                .query(Long.class).single();
        for (int position = 0; position < summaryIds.size(); position++) {
            jdbc.sql("INSERT INTO comparison_summaries (comparison_id, position, summary_id) VALUES (?, ?, ?)")
                    .params(comparisonId, position, summaryIds.get(position)).update();
        }
        return comparisonId;
    }

    /** Records the expert answer for a gold comparison (canonical choice/confidence, see labels). */
    public void addGoldAnswer(long comparisonId, Integer choice, Integer confidence, String rationale) {
        jdbc.sql("INSERT INTO gold_answers (comparison_id, choice, confidence, rationale) VALUES (?, ?, ?, ?)")
                .params(comparisonId, choice, confidence, rationale).update();
    }
}
