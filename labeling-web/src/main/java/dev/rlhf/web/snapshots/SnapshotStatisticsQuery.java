package dev.rlhf.web.snapshots;

import dev.rlhf.web.quality.AgreementQuery;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Optional;

/** Counts a label snapshot's statistics from its frozen labels; agreement comes from {@link AgreementQuery}. */
@Repository
public class SnapshotStatisticsQuery {
    /** The snapshot's labels with what they refer to; every count below reads from it. */
    private static final String FROZEN = """
            WITH frozen AS (
                SELECT l.id, l.labeler_id, l.comparison_id, l.choice, l.confidence, l.source_confidence, l.flags,
                       c.post_id, c.split, b.name AS batch, b.mode, p.subreddit, u.pseudonym,
                       (SELECT string_agg(s.policy, ' vs ' ORDER BY s.policy) FROM comparison_summaries cs
                        JOIN summaries s ON s.id = cs.summary_id WHERE cs.comparison_id = c.id) AS policies
                FROM label_snapshot_labels sl
                JOIN labels l ON l.id = sl.label_id
                JOIN comparisons c ON c.id = l.comparison_id
                LEFT JOIN batches b ON b.id = c.batch_id
                JOIN posts p ON p.id = c.post_id
                JOIN users u ON u.id = l.labeler_id
                WHERE sl.snapshot_id = :id)
            """;

    private final JdbcClient jdbc;
    private final LabelSnapshots snapshots;
    private final AgreementQuery agreement;

    public SnapshotStatisticsQuery(JdbcClient jdbc, LabelSnapshots snapshots, AgreementQuery agreement) {
        this.jdbc = jdbc;
        this.snapshots = snapshots;
        this.agreement = agreement;
    }

    public Optional<SnapshotStatistics> of(long snapshotId) {
        return snapshots.find(snapshotId).map(s -> {
            long[] totals = jdbc.sql(FROZEN + """
                            SELECT count(*), count(DISTINCT comparison_id), count(DISTINCT post_id),
                                   count(*) FILTER (WHERE choice IS NULL),
                                   count(*) FILTER (WHERE cardinality(flags) > 0)
                            FROM frozen""")
                    .param("id", snapshotId)
                    .query((rs, i) -> new long[]{rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)})
                    .single();
            List<SnapshotStatistics.BatchCount> batches = jdbc.sql(FROZEN + """
                            SELECT coalesce(batch, '(no batch)'), coalesce(mode, '–'), count(*) FROM frozen
                            GROUP BY 1, 2 ORDER BY 3 DESC, 1""")
                    .param("id", snapshotId)
                    .query((rs, i) -> new SnapshotStatistics.BatchCount(rs.getString(1), rs.getString(2), rs.getLong(3)))
                    .list();
            // ties are not frozen: count the tie labels the snapshot's filter matched when it was frozen
            long tiesLeftOut = jdbc.sql("""
                            SELECT count(*) FROM label_snapshots ls, labels l
                            JOIN comparisons c ON c.id = l.comparison_id JOIN batches b ON b.id = c.batch_id
                            WHERE ls.id = :id AND l.choice IS NULL AND l.created_at <= ls.created_at
                              AND (ls.filter ->> 'batch' IS NULL OR b.name = ls.filter ->> 'batch')
                              AND (ls.filter ->> 'split' IS NULL OR c.split = ls.filter ->> 'split')""")
                    .param("id", snapshotId).query(Long.class).single();
            long[] gold = jdbc.sql(FROZEN + """
                            SELECT count(g.comparison_id), count(g.comparison_id) FILTER (WHERE f.choice IS NOT DISTINCT FROM g.choice)
                            FROM frozen f LEFT JOIN gold_answers g ON g.comparison_id = f.comparison_id""")
                    .param("id", snapshotId).query((rs, i) -> new long[]{rs.getLong(1), rs.getLong(2)}).single();
            return new SnapshotStatistics(s, totals[0], totals[1], totals[2], counts(snapshotId, "subreddit"), batches,
                    counts(snapshotId, "coalesce(mode, '–')"), counts(snapshotId, "split"),
                    counts(snapshotId, "coalesce(policies, '–')"), counts(snapshotId, "pseudonym"), totals[3],
                    tiesLeftOut, totals[4], flags(snapshotId), byValue(snapshotId, "confidence"),
                    byValue(snapshotId, "source_confidence"), gold[0], gold[1],
                    agreement.snapshot(snapshotId));
        });
    }

    private List<SnapshotStatistics.Count> counts(long snapshotId, String key) {
        return jdbc.sql(FROZEN + "SELECT " + key + " AS k, count(*) AS n FROM frozen GROUP BY 1 ORDER BY 2 DESC, 1")
                .param("id", snapshotId)
                .query((rs, i) -> new SnapshotStatistics.Count(rs.getString(1), rs.getLong(2))).list();
    }

    /** Labels per value of an integer column in value order, "none" (no value) last. */
    private List<SnapshotStatistics.Count> byValue(long snapshotId, String column) {
        return jdbc.sql(FROZEN + "SELECT coalesce(" + column + "::text, 'none'), count(*) FROM frozen GROUP BY " + column
                        + " ORDER BY " + column + " NULLS LAST")
                .param("id", snapshotId)
                .query((rs, i) -> new SnapshotStatistics.Count(rs.getString(1), rs.getLong(2))).list();
    }

    private List<SnapshotStatistics.Count> flags(long snapshotId) {
        return jdbc.sql(FROZEN + "SELECT flag, count(*) FROM frozen, unnest(flags) AS flag GROUP BY 1 ORDER BY 2 DESC, 1")
                .param("id", snapshotId)
                .query((rs, i) -> new SnapshotStatistics.Count(rs.getString(1), rs.getLong(2))).list();
    }
}
