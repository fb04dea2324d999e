package dev.rlhf.web.labeling;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Computes a labeler's own stats from their labels; never looks at another labeler's answers. */
@Repository
public class LabelerStatsQuery {
    private final JdbcClient jdbc;

    LabelerStatsQuery(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public LabelerStats of(long labelerId) {
        return jdbc.sql("""
                        SELECT (SELECT count(*) FROM labels WHERE labeler_id = :labeler
                                  AND created_at >= date_trunc('day', now())) AS today,
                               count(*) AS total,
                               percentile_cont(0.5) WITHIN GROUP (ORDER BY l.seconds_spent) AS median_seconds,
                               count(g.comparison_id) AS gold_compared,
                               count(g.comparison_id) FILTER (WHERE l.choice IS NOT DISTINCT FROM g.choice) AS gold_agreed,
                               (SELECT count(*) FROM skips WHERE labeler_id = :labeler) AS skips
                        FROM labels l
                        LEFT JOIN gold_answers g ON g.comparison_id = l.comparison_id AND NOT g.qualification
                        WHERE l.labeler_id = :labeler""")
                .param("labeler", labelerId)
                .query((rs, n) -> {
                    long goldCompared = rs.getLong("gold_compared");
                    return new LabelerStats(rs.getLong("today"), rs.getLong("total"),
                            (Double) rs.getObject("median_seconds"), goldCompared,
                            goldCompared == 0 ? null : (double) rs.getLong("gold_agreed") / goldCompared,
                            rs.getLong("skips"));
                })
                .single();
    }
}
