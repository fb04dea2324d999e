package dev.rlhf.web.batch;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.util.List;

/** Progress of every batch, counted from the labels and assignments themselves. */
@Repository
public class BatchProgressQuery {
    private final JdbcClient jdbc;

    BatchProgressQuery(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<BatchProgress> all() {
        return jdbc.sql("""
                        SELECT b.id, b.name, b.mode, b.overlap_k, b.ties_allowed, b.priority, b.state,
                               coalesce(c.comparisons, 0) AS comparisons,
                               coalesce(c.labels, 0) AS labels,
                               coalesce(c.complete, 0) AS complete,
                               coalesce(c.active, 0) AS active,
                               (SELECT count(*) FROM skips s WHERE s.batch_id = b.id) AS skips,
                               b.instructions
                        FROM batches b
                        LEFT JOIN (
                            SELECT c.batch_id,
                                   count(*) AS comparisons,
                                   sum(coalesce(l.n, 0)) AS labels,
                                   count(*) FILTER (WHERE coalesce(l.n, 0) >= b.overlap_k) AS complete,
                                   sum(coalesce(a.n, 0)) AS active
                            FROM comparisons c
                            JOIN batches b ON b.id = c.batch_id
                            LEFT JOIN (SELECT comparison_id, count(*) AS n FROM labels GROUP BY comparison_id) l
                                   ON l.comparison_id = c.id
                            LEFT JOIN (SELECT comparison_id, count(*) AS n FROM assignments
                                       WHERE state = 'ACTIVE' AND lease_expires_at > now() GROUP BY comparison_id) a
                                   ON a.comparison_id = c.id
                            GROUP BY c.batch_id
                        ) c ON c.batch_id = b.id
                        ORDER BY b.state = 'OPEN' DESC, b.priority DESC, b.id""")
                .query((rs, n) -> new BatchProgress(rs.getLong("id"), rs.getString("name"),
                        BatchMode.valueOf(rs.getString("mode")), rs.getInt("overlap_k"), rs.getBoolean("ties_allowed"),
                        rs.getInt("priority"), BatchState.valueOf(rs.getString("state")), rs.getLong("comparisons"),
                        rs.getLong("labels"), rs.getLong("complete"), rs.getLong("active"),
                        rs.getLong("skips"), rs.getString("instructions")))
                .list();
    }
}
