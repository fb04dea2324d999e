package dev.rlhf.web.evaluation;

import dev.rlhf.lm.formats.TldrPost;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

/**
 * Which posts a human evaluation may use. A post is <b>held out</b> for an evaluation when all of these hold:
 * <ol>
 *   <li>it has at least one comparison in a held-out split ({@code valid}, {@code valid1}, {@code valid2},
 *       {@code test}) and none in {@code train};</li>
 *   <li>none of its labels is in the label snapshot of the reward model or of any model in the lineage (the model
 *       and its parents) of the policy, the opponent policy or the reward model;</li>
 *   <li>no SFT, PPO or RLOO run in the lineage of the policy or the opponent policy read it. Such a run records the posts
 *       of its prompt set in {@code run_posts}, and those are left out exactly. A run from before that record existed
 *       read the first {@code maxPosts} posts (by id) that had a summary when it started; since ids grow with time,
 *       every post it read has an id at most min(the id of the {@code maxPosts}-th post with a summary, the largest
 *       id of a post created before it started), and only posts above the largest such bound are held out
 *       (conservative: it may leave out a post no run read, never keeps one a run read);</li>
 *   <li>when the opponent is the reference summaries: it has one ({@code summaries.is_reference}).</li>
 * </ol>
 * The first {@code postCount} such posts by id are used, so evaluations of different policies share their posts.
 */
@Component
public record HeldOutPosts(JdbcClient jdbc) {
    static final List<String> HELD_OUT_SPLITS = List.of("valid", "valid1", "valid2", "test");

    /** A held-out post with its reference summary (id and text; both null when it has none). */
    public record Post(long id, TldrPost post, Long referenceId) {}

    /** The first {@code limit} held-out posts for this evaluation, by id. */
    public List<Post> find(long policyId, Long opponentId, Long rewardModelId, int limit) {
        Lineage lineage = lineage(policyId, opponentId, rewardModelId);
        return jdbc.sql(SELECT + """
                        SELECT p.id, p.source_id, p.subreddit, p.title, p.body, r.id AS ref_id, r.text AS ref_text
                        FROM held_out p
                        LEFT JOIN LATERAL (SELECT s.id, s.text FROM summaries s WHERE s.post_id = p.id AND s.is_reference
                                           ORDER BY s.id LIMIT 1) r ON true
                        ORDER BY p.id LIMIT :limit""")
                .param("splits", HELD_OUT_SPLITS.toArray(String[]::new)).param("snapshots", lineage.snapshots())
                .param("above", lineage.seenUpTo()).param("readRuns", lineage.readRuns())
                .param("reference", opponentId == null).param("limit", limit)
                .query((rs, i) -> new Post(rs.getLong("id"), new TldrPost(rs.getString("source_id"), rs.getString("subreddit"),
                        rs.getString("title"), rs.getString("body"), rs.getString("ref_text")), (Long) rs.getObject("ref_id")))
                .list();
    }

    /** How many posts are held out for this evaluation. */
    public long count(long policyId, Long opponentId, Long rewardModelId) {
        Lineage lineage = lineage(policyId, opponentId, rewardModelId);
        return jdbc.sql(SELECT + "SELECT count(*) FROM held_out")
                .param("splits", HELD_OUT_SPLITS.toArray(String[]::new)).param("snapshots", lineage.snapshots())
                .param("above", lineage.seenUpTo()).param("readRuns", lineage.readRuns())
                .param("reference", opponentId == null).query(Long.class).single();
    }

    /** The sentence a refusal or a failed run gives when there are no held-out posts. */
    public static String noneExplained() {
        return "there are no held-out posts for these models: a held-out post has comparisons only in the "
                + String.join("/", HELD_OUT_SPLITS) + " splits, none of its labels in the reward model's or the "
                + "policies' label snapshots, was not read by an SFT, PPO or RLOO run of the policies' lineage, and (against "
                + "the reference) has a reference summary";
    }

    private static final String SELECT = """
            WITH held_out AS (
                SELECT p.* FROM posts p
                WHERE p.id > :above
                  AND NOT EXISTS (SELECT 1 FROM run_posts rp WHERE rp.post_id = p.id AND rp.run_id = ANY(:readRuns))
                  AND EXISTS (SELECT 1 FROM comparisons c WHERE c.post_id = p.id AND c.split = ANY(:splits))
                  AND NOT EXISTS (SELECT 1 FROM comparisons c WHERE c.post_id = p.id AND c.split = 'train')
                  AND NOT EXISTS (SELECT 1 FROM label_snapshot_labels sl JOIN labels l ON l.id = sl.label_id
                                  JOIN comparisons c ON c.id = l.comparison_id
                                  WHERE c.post_id = p.id AND sl.snapshot_id = ANY(:snapshots))
                  AND (NOT :reference OR EXISTS (SELECT 1 FROM summaries s WHERE s.post_id = p.id AND s.is_reference))
            )
            """;

    /**
     * The label snapshots of the models' lineage, its SFT/PPO runs that recorded the posts they read, and the id bound
     * of the posts read by those that did not.
     */
    record Lineage(Long[] snapshots, Long[] readRuns, long seenUpTo) {}

    Lineage lineage(long policyId, Long opponentId, Long rewardModelId) {
        List<Long> policies = new ArrayList<>(List.of(policyId));
        if (opponentId != null) policies.add(opponentId);
        List<Long> all = new ArrayList<>(policies);
        if (rewardModelId != null) all.add(rewardModelId);
        Long[] snapshots = jdbc.sql(LINEAGE + "SELECT DISTINCT snapshot_id FROM chain WHERE snapshot_id IS NOT NULL")
                .param("ids", all.toArray(Long[]::new)).query(Long.class).list().toArray(Long[]::new);
        // every SFT, PPO or RLOO run that trained a model in the policies' lineage, with how many posts it read
        record Reader(long runId, int maxPosts, boolean recordedPosts) {}
        List<Reader> readers = jdbc.sql(LINEAGE + """
                        SELECT r.id, coalesce((r.config ->> 'maxPosts')::int, 1000),
                               EXISTS (SELECT 1 FROM run_posts rp WHERE rp.run_id = r.id) FROM chain
                        JOIN runs r ON r.id = chain.run_id WHERE r.kind IN ('SFT', 'PPO', 'RLOO')""")
                .param("ids", policies.toArray(Long[]::new))
                .query((rs, i) -> new Reader(rs.getLong(1), rs.getInt(2), rs.getBoolean(3))).list();
        List<Long> recorded = new ArrayList<>();
        long bound = 0;
        for (Reader reader : readers) {
            if (reader.recordedPosts()) {
                recorded.add(reader.runId());
                continue;
            }
            Long b = jdbc.sql("""
                            SELECT least(
                                (SELECT max(id) FROM (SELECT q.id FROM posts q
                                                      WHERE EXISTS (SELECT 1 FROM summaries s WHERE s.post_id = q.id)
                                                      ORDER BY q.id LIMIT :maxPosts) firsts),
                                (SELECT max(q.id) FROM posts q, runs r
                                 WHERE r.id = :run AND q.created_at <= coalesce(r.started_at, now())))""")
                    .param("maxPosts", reader.maxPosts()).param("run", reader.runId()).query(Long.class).list().get(0);
            if (b != null) bound = Math.max(bound, b);
        }
        return new Lineage(snapshots, recorded.toArray(Long[]::new), bound);
    }

    private static final String LINEAGE = """
            WITH RECURSIVE chain AS (
                SELECT id, parent_model_id, run_id, snapshot_id FROM models WHERE id = ANY(:ids)
                UNION
                SELECT m.id, m.parent_model_id, m.run_id, m.snapshot_id FROM models m JOIN chain c ON m.id = c.parent_model_id
            )
            """;
}
