package dev.rlhf.web.review;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads one comparison with everything stored about it. */
@Repository
class ComparisonDetailQuery {
    private final JdbcClient jdbc;

    ComparisonDetailQuery(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<ComparisonDetail> find(long id) {
        Optional<Map<String, Object>> row = jdbc.sql("""
                        SELECT c.id, c.batch_id, b.name AS batch_name, b.mode, c.split, c.is_gold, c.source_id,
                               c.candidate_count, p.subreddit, p.title, p.body, g.choice AS gold_choice,
                               g.confidence AS gold_confidence, g.comparison_id IS NOT NULL AS has_gold
                        FROM comparisons c
                        JOIN posts p ON p.id = c.post_id
                        LEFT JOIN batches b ON b.id = c.batch_id
                        LEFT JOIN gold_answers g ON g.comparison_id = c.id
                        WHERE c.id = ?""")
                .param(id).query().listOfRows().stream().findFirst();
        if (row.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> c = row.get();
        int candidates = ((Number) c.get("candidate_count")).intValue();
        List<ComparisonDetail.Response> responses = jdbc.sql("""
                        SELECT cs.position, s.policy, s.text FROM comparison_summaries cs
                        JOIN summaries s ON s.id = cs.summary_id WHERE cs.comparison_id = ? ORDER BY cs.position""")
                .param(id)
                .query((rs, n) -> new ComparisonDetail.Response(rs.getInt("position"), rs.getString("policy"),
                        rs.getString("text")))
                .list();
        List<ComparisonDetail.Label> labels = jdbc.sql("""
                        SELECT l.id, l.labeler_id, u.username, l.choice, l.confidence, l.flags, l.note, l.seconds_spent,
                               l.imported, l.created_at
                        FROM labels l JOIN users u ON u.id = l.labeler_id
                        WHERE l.comparison_id = ? ORDER BY l.created_at, l.id""")
                .param(id)
                .query((rs, n) -> new ComparisonDetail.Label(rs.getLong("id"), rs.getLong("labeler_id"),
                        rs.getString("username"),
                        ComparisonDetail.answer(candidates, (Integer) rs.getObject("choice"),
                                (Integer) rs.getObject("confidence")),
                        ReviewQuery.texts(rs, "flags"), rs.getString("note"), rs.getInt("seconds_spent"),
                        rs.getBoolean("imported"), rs.getTimestamp("created_at").toInstant()))
                .list();
        List<ReviewedSkip> skips = jdbc.sql("""
                        SELECT s.id, s.comparison_id, s.batch_id, b.name AS batch_name, s.labeler_id, u.username,
                               s.reason, s.text, s.created_at
                        FROM skips s JOIN batches b ON b.id = s.batch_id JOIN users u ON u.id = s.labeler_id
                        WHERE s.comparison_id = ? ORDER BY s.created_at, s.id""")
                .param(id).query((rs, n) -> ReviewQuery.skip(rs)).list();
        String gold = Boolean.TRUE.equals(c.get("has_gold"))
                ? ComparisonDetail.answer(candidates, (Integer) c.get("gold_choice"), (Integer) c.get("gold_confidence"))
                : null;
        return Optional.of(new ComparisonDetail(id, c.get("batch_id") == null ? null : ((Number) c.get("batch_id")).longValue(),
                (String) c.get("batch_name"), (String) c.get("mode"), (String) c.get("split"),
                Boolean.TRUE.equals(c.get("is_gold")), (String) c.get("source_id"), (String) c.get("subreddit"),
                (String) c.get("title"), (String) c.get("body"), responses, gold, labels, skips));
    }
}
