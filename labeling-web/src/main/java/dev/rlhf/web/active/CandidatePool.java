package dev.rlhf.web.active;

import dev.rlhf.lm.formats.PostInfo;
import dev.rlhf.web.batch.BatchSpec;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The candidate pool of an active-learning batch: for each chosen post, every pair of its summaries from the chosen
 * sources (policy names, or {@code reference} for reference summaries; a text that repeats is taken once), less the
 * pairs that are <em>taken</em>: two summaries are taken when a comparison holding both (2-way or best-of-4) has a
 * label, or sits in a batch that is not CLOSED (DRAFT, OPEN or PAUSED: it will be labelled).
 */
@Repository
public class CandidatePool {
    private final JdbcClient jdbc;

    CandidatePool(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The given post source ids that name no post. */
    public List<String> unknownPosts(List<String> posts) {
        Set<String> known = new HashSet<>(jdbc.sql("SELECT source_id FROM posts WHERE source_id = ANY(?)")
                .param(posts.toArray(String[]::new)).query(String.class).list());
        return posts.stream().filter(p -> !known.contains(p)).toList();
    }

    private record Row(long postId, String sourceId, String prompt, long summaryId, String text, String policy) {
    }

    /** Every untaken pair of the posts' summaries from the sources, by post id, then summary ids. */
    public List<CandidatePair> pairs(List<String> posts, List<String> sources) {
        List<String> policies = sources.stream().filter(s -> !BatchSpec.REFERENCE.equals(s)).toList();
        boolean references = sources.contains(BatchSpec.REFERENCE);
        List<Row> rows = jdbc.sql("""
                        SELECT p.id AS post_id, p.source_id, p.subreddit, p.title, p.body, s.id AS summary_id, s.text, s.policy
                        FROM posts p JOIN summaries s ON s.post_id = p.id
                        WHERE p.source_id = ANY(:posts) AND (s.policy = ANY(:policies) OR (s.is_reference AND :references))
                        ORDER BY p.id, s.id""")
                .param("posts", posts.toArray(String[]::new)).param("policies", policies.toArray(String[]::new))
                .param("references", references)
                .query((rs, i) -> new Row(rs.getLong("post_id"), rs.getString("source_id"),
                        new PostInfo(rs.getString("source_id"), rs.getString("body"), rs.getString("title"),
                                rs.getString("subreddit")).prompt(),
                        rs.getLong("summary_id"), rs.getString("text"), rs.getString("policy")))
                .list();
        Map<Long, List<Row>> byPost = new LinkedHashMap<>();
        for (Row r : rows) {
            List<Row> summaries = byPost.computeIfAbsent(r.postId(), k -> new ArrayList<>());
            if (summaries.stream().noneMatch(s -> s.text().equals(r.text()))) summaries.add(r);
        }
        List<CandidatePair> all = new ArrayList<>();
        for (List<Row> summaries : byPost.values()) {
            for (int i = 0; i < summaries.size(); i++) {
                for (int j = i + 1; j < summaries.size(); j++) {
                    Row a = summaries.get(i), b = summaries.get(j);
                    all.add(new CandidatePair(a.postId(), a.sourceId(), a.prompt(), a.summaryId(), a.text(), a.policy(),
                            b.summaryId(), b.text(), b.policy()));
                }
            }
        }
        Set<List<Long>> taken = taken(all);
        return all.stream().filter(p -> !taken.contains(List.of(p.summaryA(), p.summaryB()))).toList();
    }

    /** The pairs (summary A id, summary B id) among {@code pairs} that are labelled or in a batch not CLOSED. */
    public Set<List<Long>> taken(Collection<CandidatePair> pairs) {
        if (pairs.isEmpty()) return Set.of();
        Long[] as = pairs.stream().map(CandidatePair::summaryA).toArray(Long[]::new);
        Long[] bs = pairs.stream().map(CandidatePair::summaryB).toArray(Long[]::new);
        return new LinkedHashSet<>(jdbc.sql("""
                        SELECT DISTINCT x.a, x.b
                        FROM unnest(CAST(:as AS bigint[]), CAST(:bs AS bigint[])) AS x(a, b)
                        JOIN comparison_summaries ca ON ca.summary_id = x.a
                        JOIN comparison_summaries cb ON cb.comparison_id = ca.comparison_id AND cb.summary_id = x.b
                        JOIN comparisons c ON c.id = ca.comparison_id
                        LEFT JOIN batches b ON b.id = c.batch_id
                        WHERE b.state <> 'CLOSED' OR EXISTS (SELECT 1 FROM labels l WHERE l.comparison_id = c.id)""")
                .param("as", as).param("bs", bs)
                .query((rs, i) -> List.of(rs.getLong(1), rs.getLong(2))).list());
    }
}
